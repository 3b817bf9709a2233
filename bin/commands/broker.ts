/** `sluice broker start [broker.properties] [--override key=value ...]`: a broker in the foreground until SIGTERM/SIGINT. */
import pino from 'pino';
import { Broker } from '../../broker/broker';
import { applyOverrides, readPropertiesFile, type Properties } from '../../broker/config/properties';

const USAGE = 'usage: sluice broker start [broker.properties] [--override key=value ...]';

export async function run(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'start') {
    process.stderr.write(`${USAGE}\n`);
    return 1;
  }
  let file: string | undefined;
  const overrides: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i] as string;
    if (arg === '--override') {
      const value = rest[++i];
      if (!value) throw new Error(`--override needs key=value\n${USAGE}`);
      overrides.push(value);
    } else if (!file && !arg.startsWith('--')) {
      file = arg;
    } else {
      throw new Error(`unexpected argument "${arg}"\n${USAGE}`);
    }
  }
  const props: Properties = applyOverrides(file ? readPropertiesFile(file) : {}, overrides);
  const logger = pino({ name: 'broker', level: props['log.level'] ?? process.env.SLUICE_LOG_LEVEL ?? 'info' });
  const broker = await Broker.start({ props, logger });
  await new Promise<void>((resolve) => {
    const stop = (signal: string): void => {
      logger.info({ signal }, 'shutting down');
      resolve();
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
  await broker.stop();
  return 0;
}
