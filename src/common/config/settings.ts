import { Global, Module } from '@nestjs/common';
import { AppConfig } from './config';

/** What the app runs with: the validated config plus what start-up resolved (database URL, JWT secret). */
export class Settings {
  constructor(
    readonly config: AppConfig,
    readonly databaseUrl: string,
    readonly jwtSecret: string,
  ) {}
}

@Global()
@Module({})
export class SettingsModule {
  static forRoot(settings: Settings) {
    return { module: SettingsModule, providers: [{ provide: Settings, useValue: settings }], exports: [Settings] };
  }
}
