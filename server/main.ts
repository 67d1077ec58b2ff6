// Process entry: `npm start`. Reads the environment once; a bad value stops the process with one line.
import { ConfigError, loadConfig } from './config.ts';
import { startApp } from './app.ts';
import { createLogger } from './observability/logger.ts';

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
try {
  await startApp(config, logger);
} catch (error) {
  logger.fatal({ err: error }, 'coffer could not start');
  console.error(`coffer: could not start: ${(error as Error).message}${(error as Error).cause ? ` (${((error as Error).cause as Error).message})` : ''}`);
  process.exit(1);
}
