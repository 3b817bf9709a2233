/** DropHeaders (org.apache.kafka.connect.transforms.DropHeaders): removes every header whose key is listed. */
import { type ConfigDef, ConnectHeaders, type ConnectRecord, type Header, NO_DEFAULT, type Transformation } from '../api';
import { configDef, NonEmptyListValidator, parseConfig } from './config-util';

export const DROP_HEADERS_CLASS = 'org.apache.kafka.connect.transforms.DropHeaders';

const CONFIG_DEF = configDef({
  name: 'headers', type: 'LIST', default: NO_DEFAULT, validator: new NonEmptyListValidator(), importance: 'HIGH',
  documentation: 'The names of the headers to remove.',
});

export class DropHeaders<R extends ConnectRecord<R>> implements Transformation<R> {
  private headers: ReadonlySet<string> = new Set();

  configure(configs: Readonly<Record<string, unknown>>): void {
    this.headers = new Set(parseConfig(CONFIG_DEF, configs).getList('headers') ?? []);
  }

  apply(record: R): R | null {
    // The kept headers were valid already; building the list directly skips re-validating each one.
    const kept: Header[] = [];
    for (const header of record.headers) if (!this.headers.has(header.key)) kept.push(header);
    return record.newRecord({ headers: new ConnectHeaders(kept) });
  }

  config(): ConfigDef {
    return CONFIG_DEF;
  }

  close(): void {}
}
