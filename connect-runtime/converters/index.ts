/** The built-in converters: JSON, string, byte array and the default header converter. */
export { JsonConverter, jsonConverterConfigDef, JsonConverterConfigKeys, JSON_CONVERTER_CLASS } from './json-converter';
export { StringConverter, stringConverterConfigDef, STRING_CONVERTER_CLASS, STRING_CONVERTER_ENCODING_CONFIG } from './string-converter';
export { ByteArrayConverter, BYTE_ARRAY_CONVERTER_CLASS } from './byte-array-converter';
export { SimpleHeaderConverter, SIMPLE_HEADER_CONVERTER_CLASS } from './simple-header-converter';
export { JsonDataWriter, type DecimalFormat, type JsonWriterOptions } from './json-data-writer';
export { JsonDataReader } from './json-data-reader';
export { parseJson, JsonFraction, JsonSyntaxError, type JsonNode } from './json-parser';
