import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { Settings } from './common/config/settings';
import { createValidationPipe } from './common/validation/validation.pipe';

/** Builds the Nest application (not yet listening); shared by main.ts, the tests and the benchmarks. */
export async function createApp(settings: Settings): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(settings), { bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.set('trust proxy', settings.config.TRUST_PROXY);
  app.useGlobalPipes(createValidationPipe());
  return app;
}
