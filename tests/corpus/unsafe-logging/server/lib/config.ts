import pino from "pino";

export const logger = pino({ level: process.env.LOG_LEVEL ?? "info" });

export interface Config {
  port: number;
  databaseUrl: string;
  apiKey: string;
}

export function load(): Config {
  const cfg: Config = {
    port: Number(process.env.PORT ?? 3000),
    databaseUrl: process.env.DATABASE_URL ?? "",
    apiKey: process.env.PAYMENTS_API_KEY ?? "",
  };
  logger.debug({ env: process.env }, "loaded environment");
  logger.info(`starting in ${process.env.NODE_ENV}`);
  console.log("env keys:", Object.keys(process.env).length);
  logger.info({ port: cfg.port }, "config loaded");
  logger.debug(`payments api key: ${cfg.apiKey}`);
  logger.debug(`api key set: ${cfg.apiKey.length > 0}`);
  return cfg;
}

export function dumpEnv(): void {
  Object.entries(process.env).forEach(([k, v]) => console.log(`${k}=${v}`));
}
