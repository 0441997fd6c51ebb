import { createApp } from './app.factory';
import { InvalidEnvironmentError, validateEnv } from './config/env';

async function main(): Promise<void> {
  let env;
  try {
    env = validateEnv(process.env);
  } catch (err) {
    if (err instanceof InvalidEnvironmentError) {
      console.error(err.message);
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }
  const app = await createApp(env);
  await app.listen({ port: env.PORT, host: env.HOST });
  console.log(`CGI API listening on http://localhost:${env.PORT}/api/v1 (docs at /api/docs)`);
}

void main();
