/**
 * InsertHeader (org.apache.kafka.connect.transforms.InsertHeader): adds a header with a fixed value to every record.
 * The literal is parsed once, as Kafka's Values.parseString does, so `42` becomes an INT8 header and `true` a
 * BOOLEAN one; anything else stays a string.
 */
import { type ConfigDef, ConnectHeader, ConnectHeaders, type ConnectRecord, NO_DEFAULT, NonNullValidator, parseString, type Transformation } from '../api';
import { configDef, parseConfig } from './config-util';

export const INSERT_HEADER_CLASS = 'org.apache.kafka.connect.transforms.InsertHeader';

const CONFIG_DEF = configDef(
  { name: 'header', type: 'STRING', default: NO_DEFAULT, validator: new NonNullValidator(), importance: 'HIGH', documentation: 'The name of the header.' },
  {
    name: 'value.literal', type: 'STRING', default: NO_DEFAULT, validator: new NonNullValidator(), importance: 'HIGH',
    documentation: 'The literal value that is to be set as the header value on all records.',
  },
);

export class InsertHeader<R extends ConnectRecord<R>> implements Transformation<R> {
  /** Built (and validated, by parsing) once; every record gets the same immutable header. */
  private header = new ConnectHeader('', null, null);

  configure(configs: Readonly<Record<string, unknown>>): void {
    const config = parseConfig(CONFIG_DEF, configs);
    const literal = parseString(config.getString('value.literal'));
    this.header = new ConnectHeader(config.getString('header') ?? '', literal.schema, literal.value);
  }

  apply(record: R): R | null {
    const headers = record.headers.toArray();
    headers.push(this.header);
    return record.newRecord({ headers: new ConnectHeaders(headers) });
  }

  config(): ConfigDef {
    return CONFIG_DEF;
  }

  close(): void {}
}
