import { plainToInstance, Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, IsUrl, Matches, Max, Min, MinLength, validateSync } from 'class-validator';

const toInt = ({ value }: { value: unknown }) => (value === undefined || value === '' ? undefined : Number(value));
const toBool = ({ value }: { value: unknown }) =>
  value === undefined || value === '' ? undefined : value === 'true' || value === '1' ? true : value === 'false' || value === '0' ? false : value;

/** Every setting the app reads from the environment; see .env.example. */
export class AppConfig {
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: 'development' | 'production' | 'test' = 'development';

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 3000;

  /** Absent: the app starts an embedded PostgreSQL with its data in DATA_DIR. */
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/\S+$/, { message: 'DATABASE_URL must be a postgres:// URL' })
  DATABASE_URL?: string;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(200)
  DATABASE_POOL_SIZE = 10;

  /** Longest wait for a database connection before a request answers SERVICE_UNAVAILABLE. */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(60_000)
  DATABASE_ACQUIRE_TIMEOUT_MS = 3000;

  /** Longest a request's SQL statement may run (PostgreSQL statement_timeout); over it the request answers SERVICE_UNAVAILABLE. */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(600_000)
  DATABASE_STATEMENT_TIMEOUT_MS = 10_000;

  /** A request's deadline: database work not started this long after it arrived is not started (SERVICE_UNAVAILABLE). */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(600_000)
  REQUEST_TIMEOUT_MS = 15_000;

  /** CSV exports run at once per instance, each on its own connection outside the request pool. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(50)
  EXPORT_CONNECTIONS = 2;

  /** Seconds in-flight requests get to finish after SIGTERM before their connections are closed. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(600)
  SHUTDOWN_TIMEOUT = 10;

  /** Where the embedded PostgreSQL and the generated development secrets live. */
  @IsString()
  @MinLength(1)
  DATA_DIR = '.data';

  /** Required in production; generated and kept in DATA_DIR otherwise. */
  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'JWT_SECRET must be at least 32 characters' })
  JWT_SECRET?: string;

  /** Base URL used in links the API hands out (calendar files). */
  @IsOptional()
  @IsUrl({ require_tld: false, require_protocol: true }, { message: 'PUBLIC_URL must be an absolute http(s) URL' })
  PUBLIC_URL?: string;

  /** Optional: the web page of an event, with `{id}` for its id (e.g. https://friendsofbolivia.org/events/{id}); calendar files link to it. */
  @IsOptional()
  @Matches(/^https?:\/\/\S*\{id\}\S*$/, { message: 'EVENT_PAGE_URL must be an http(s) URL containing {id}' })
  EVENT_PAGE_URL?: string;

  /** Worker processes serving the port (node:cluster); 1 serves from the main process. Use one per core. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(64)
  WEB_CONCURRENCY = 1;

  /** Take the client IP from X-Forwarded-For (only behind a proxy you control). */
  @Transform(toBool)
  @IsBoolean()
  TRUST_PROXY = false;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  @Transform(toInt)
  @IsInt()
  @Min(1)
  RATE_LIMIT_LOGIN_PER_MINUTE = 10;

  /** Wrong passwords per email per hour before that email's logins are refused until a password reset (or the hour ends). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  RATE_LIMIT_LOGIN_FAILURES_PER_HOUR = 100;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  RATE_LIMIT_SIGN_PER_MINUTE = 60;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  RATE_LIMIT_SIGN_PER_HOUR = 1000;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  RATE_LIMIT_SIGN_KEY_PER_MINUTE = 6000;

  /** Subscriptions one websocket may hold at once; the next one gets an error. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1000)
  WS_MAX_SUBSCRIPTIONS_PER_SOCKET = 20;

  /** Websockets one client IP may hold open at once (per instance); the next one is closed with 4429. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(100000)
  WS_MAX_SOCKETS_PER_IP = 50;

  /** How often each instance re-checks the API keys of its open websockets, so a revoked key's sockets close (4401). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(300)
  WS_API_KEY_RECHECK_SECONDS = 5;
  @Transform(toInt)
  @IsInt()
  @Min(1)
  RATE_LIMIT_REGISTER_PER_MINUTE = 60;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  RATE_LIMIT_REGISTER_PER_HOUR = 1000;

  /** rsvpAsGuest per client IP (as signing). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  RATE_LIMIT_GUEST_RSVP_PER_MINUTE = 60;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  RATE_LIMIT_GUEST_RSVP_PER_HOUR = 1000;

  /** rsvpAsGuest per EVENTS_WRITE key. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  RATE_LIMIT_GUEST_RSVP_KEY_PER_MINUTE = 6000;

  /** Emails about one address per hour, whoever asks (DESIGN.md). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  MAIL_PER_ADDRESS_PER_HOUR = 5;

  /** smtp:// or smtps:// URL of the mail server. Unset outside production: messages are written under DATA_DIR/mail/. */
  @IsOptional()
  @Matches(/^smtps?:\/\/\S+$/, { message: 'SMTP_URL must be an smtp:// or smtps:// URL' })
  SMTP_URL?: string;

  /** Sender address of every email; the organisation's name goes in the display name when the mail is about one. */
  @IsString()
  @MinLength(3)
  MAIL_FROM = 'Marea <no-reply@marea.localhost>';

  /** Links in emails point here instead of PUBLIC_URL/l/{kind}/{token} (a deployment with its own front end). */
  @IsOptional()
  @Matches(/^https?:\/\/\S*(\{kind\}\S*\{token\}|\{token\}\S*\{kind\})\S*$/, {
    message: 'LINK_URL must be an http(s) URL containing {kind} and {token}',
  })
  LINK_URL?: string;

  /** Run background jobs (mail, sweeps) in this instance; false only for instances that must not (or tests). */
  @Transform(toBool)
  @IsBoolean()
  JOBS_ENABLED = true;

  /** Jobs one instance runs at once. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(100)
  JOBS_CONCURRENCY = 5;

  /** Lets webhooks go to http:// URLs and private, loopback and reserved addresses: development and tests only. */
  @Transform(toBool)
  @IsBoolean()
  WEBHOOK_ALLOW_PRIVATE = false;

  get isProduction(): boolean {
    return this.NODE_ENV === 'production';
  }

  get publicUrl(): string {
    return (this.PUBLIC_URL ?? `http://localhost:${this.PORT}`).replace(/\/$/, '');
  }
}

export class ConfigError extends Error {}

/** Reads and validates the environment once; throws a ConfigError naming the first bad setting. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const known = Object.keys(new AppConfig());
  const raw: Record<string, string> = {};
  for (const key of [...known, 'DATABASE_URL', 'JWT_SECRET', 'PUBLIC_URL', 'EVENT_PAGE_URL', 'SMTP_URL', 'LINK_URL']) {
    if (env[key] !== undefined && env[key] !== '') raw[key] = env[key]!;
  }
  const config = plainToInstance(AppConfig, raw);
  const errors = validateSync(config, { forbidUnknownValues: false });
  if (errors.length > 0) {
    const first = errors[0];
    const why = Object.values(first.constraints ?? {})[0] ?? 'is invalid';
    throw new ConfigError(`Invalid setting ${first.property}: ${why}`);
  }
  if (config.isProduction && !config.JWT_SECRET) {
    throw new ConfigError('Invalid setting JWT_SECRET: required when NODE_ENV=production');
  }
  if (config.isProduction && !config.SMTP_URL) {
    throw new ConfigError('Invalid setting SMTP_URL: required when NODE_ENV=production (mail would otherwise only be written to files)');
  }
  return config;
}
