import { ModulesContainer, NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app.module';
import { assertAccessDeclared } from './common/auth/access-declarations';
import { Settings } from './common/config/settings';
import { trackConnections } from './common/lifecycle/lifecycle';
import { createLogger, PinoLoggerService, requestLogger } from './common/logging/logger';
import { requestDeadlines } from './common/request/request-deadline';
import { createValidationPipe } from './common/validation/validation.pipe';

/** Builds the Nest application (not yet listening); shared by main.ts, the tests and the benchmarks. */
export async function createApp(settings: Settings): Promise<NestExpressApplication> {
  const logger = createLogger(settings.config.LOG_LEVEL, settings.config.isProduction);
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(settings), { logger: new PinoLoggerService(logger) });
  trackConnections(app);
  app.use(requestDeadlines(settings.config.REQUEST_TIMEOUT_MS));
  app.use(requestLogger(logger));
  assertAccessDeclared(app.get(ModulesContainer));
  app.set('trust proxy', settings.config.TRUST_PROXY);
  app.useGlobalPipes(createValidationPipe());
  return app;
}
