/**
 * The `sluice` command line. Each command lives in bin/commands/ and is loaded only when used, so that
 * `sluice topics` does not pay for starting a broker's modules.
 */
interface CommandModule {
  run(args: string[]): Promise<number>;
}

const COMMANDS: Record<string, { summary: string; load: () => Promise<CommandModule> }> = {
  connect: { summary: 'standalone worker.properties [connector.json|connector.properties ...]', load: () => import('./commands/connect.js') },
  broker: { summary: 'broker start [broker.properties] [--override key=value ...]', load: () => import('./commands/broker.js') },
  topics: { summary: '--bootstrap-server H:P --create|--list|--describe|--delete|--alter [--topic T ...]', load: () => import('./commands/topics.js') },
  'console-producer': { summary: '--bootstrap-server H:P --topic T [--property parse.key=true ...]', load: () => import('./commands/console-producer.js') },
  'console-consumer': { summary: '--bootstrap-server H:P --topic T [--from-beginning] [--group G | --partition P --offset O]', load: () => import('./commands/console-consumer.js') },
  'consumer-groups': { summary: '--bootstrap-server H:P --list|--describe|--delete|--reset-offsets|--delete-offsets [--group G ...]', load: () => import('./commands/consumer-groups.js') },
  'get-offsets': { summary: '--bootstrap-server H:P --topic T [--partitions 0,1] [--time -1|-2|ms]', load: () => import('./commands/get-offsets.js') },
  'dump-log': { summary: '--files a.log,b.index,... [--print-data-log] [--deep-iteration]', load: () => import('./commands/dump-log.js') },
  'producer-perf-test': { summary: '--topic T --num-records N --record-size S --throughput -1 --producer-props k=v ...', load: () => import('./commands/producer-perf-test.js') },
  'consumer-perf-test': { summary: '--bootstrap-server H:P --topic T --messages N [--timeout MS]', load: () => import('./commands/consumer-perf-test.js') },
};

function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(20)} ${c.summary}`);
  return `usage: sluice <command> [options]\n\ncommands:\n${lines.join('\n')}\n`;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage());
    return name ? 0 : 1;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`sluice: unknown command "${name}"\n\n${usage()}`);
    return 1;
  }
  return (await command.load()).run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: Error) => {
    process.stderr.write(`sluice: ${err.message}\n`);
    process.exitCode = 1;
  },
);
