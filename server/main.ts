// Process entry: `npm start`. Reads the environment once; a bad value stops the process with one line.
import { ConfigError, loadConfig } from './config.ts';
import { startApp, type App } from './app.ts';
import { failRequestInFlight } from './edgeGuard.ts';
import { createLogger } from './observability/logger.ts';
import { keepServingOnUnexpectedErrors } from './processPolicy.ts';

let config;
try {
  config = loadConfig(process.env);
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(`coffer: ${error.message}`);
    process.exit(2);
  }
  throw error;
}
const logger = createLogger(config.logLevel);
let app: App;
try {
  app = await startApp(config, logger);
} catch (error) {
  logger.fatal({ err: error }, 'coffer could not start');
  console.error(`coffer: could not start: ${(error as Error).message}${(error as Error).cause ? ` (${((error as Error).cause as Error).message})` : ''}`);
  process.exit(1);
}
// Only now, once it serves: an error before this point is a startup failure and ends the process
// (exit 1). From here on, no single error ends it (processPolicy.ts replaces the listener Colyseus'
// Server registered, which shut the server down on any uncaught exception).
keepServingOnUnexpectedErrors({ process, logger, count: (kind) => app.metrics.unexpectedErrors.inc({ kind }), failRequestInFlight });
