/**
 * Record-batch compression codecs for the clients and tools. The implementation lives in
 * broker/protocol/compression.ts, where the log cleaner can use it too.
 */
export {
  compress,
  decompress,
  loadCompression,
  compressionCodecOf,
  compressionName,
  isCompressionLoaded,
} from '../protocol/compression';
