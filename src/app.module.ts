import { ApolloDriver, ApolloDriverConfig } from '@nestjs/apollo';
import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { GraphQLModule } from '@nestjs/graphql';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { PostgresDataSourceOptions } from 'typeorm/driver/postgres/PostgresDataSourceOptions';
import { AccessService } from './common/access/access.service';
import { AccessGuard } from './common/auth/access.guard';
import { BearerAuthenticator } from './common/auth/bearer-authenticator';
import { CommonModule } from './common/common.module';
import { JobsModule } from './common/jobs/jobs.module';
import { LinksModule } from './common/links/links.module';
import { MailModule } from './common/mail/mail.module';
import { Settings, SettingsModule } from './common/config/settings';
import { databaseStatus } from './common/database/database-status';
import { requestPoolOptions } from './common/database/pools';
import { dataSourceOptions } from './database/data-source-options';
import { ExceptionsFilter } from './common/errors/exceptions.filter';
import { graphqlConfig } from './common/graphql/graphql.config';
import { ApiKeysModule } from './modules/api-keys/api-keys.module';
import { AuthModule } from './modules/auth/auth.module';
import { EventsModule } from './modules/events/events.module';
import { HealthController } from './modules/health/health.controller';
import { OrganisationsModule } from './modules/organisations/organisations.module';
import { PetitionsModule } from './modules/petitions/petitions.module';
import { ReadingListsModule } from './modules/reading-lists/reading-lists.module';
import { SyncModule } from './modules/sync/sync.module';
import { WebhooksModule } from './modules/webhooks/webhooks.module';
import { UsersModule } from './modules/users/users.module';

@Module({})
export class AppModule {
  static forRoot(settings: Settings): DynamicModule {
    return {
      module: AppModule,
      imports: [
        SettingsModule.forRoot(settings),
        TypeOrmModule.forRoot({
          ...(dataSourceOptions(settings.databaseUrl, settings.config.DATABASE_POOL_SIZE, requestPoolOptions(settings.config)) as PostgresDataSourceOptions),
          // An idle connection ended by the server (PostgreSQL restarting) is an outage to note, never a crash.
          poolErrorHandler: (error: unknown) => void databaseStatus.failed(error),
        }),
        CommonModule,
        JobsModule,
        MailModule,
        LinksModule,
        GraphQLModule.forRootAsync<ApolloDriverConfig>({
          driver: ApolloDriver,
          imports: [AuthModule],
          inject: [Settings, AccessService, BearerAuthenticator],
          useFactory: graphqlConfig,
        }),
        AuthModule,
        UsersModule,
        OrganisationsModule,
        ApiKeysModule,
        EventsModule,
        PetitionsModule,
        ReadingListsModule,
        SyncModule,
        WebhooksModule,
      ],
      controllers: [HealthController],
      providers: [
        { provide: APP_GUARD, useClass: AccessGuard },
        { provide: APP_FILTER, useClass: ExceptionsFilter },
      ],
    };
  }
}
