import { Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AdminModule } from './admin/admin.module';
import { AssetsModule } from './assets/assets.module';
import { AuditModule } from './audit/audit.module';
import { AuthModule } from './auth/auth.module';
import { ConfigModule } from './config/config.module';
import { Env } from './config/env';
import { dataSourceOptions } from './database/data-source-options';
import { EventsModule } from './events/events.module';
import { HealthModule } from './health/health.module';
import { MetricsModule } from './metrics/metrics.module';
import { NotificationsModule } from './notifications/notifications.module';
import { LiveModule } from './live/live.module';
import { OccurrencesModule } from './occurrences/occurrences.module';
import { Open311Module } from './open311/open311.module';
import { OpenDataModule } from './open-data/open-data.module';
import { OperationalLevelsModule } from './operational-levels/operational-levels.module';
import { PlatformModule } from './platform/platform.module';
import { PrivacyModule } from './privacy/privacy.module';
import { PublicAlertsModule } from './public-alerts/public-alerts.module';
import { RedisModule } from './redis/redis.module';
import { ReferenceModule } from './reference/reference.module';
import { RulesModule } from './rules/rules.module';
import { UnitsModule } from './units/units.module';
import { UnitPositionsModule } from './units/positions/unit-positions.module';

@Module({})
export class AppModule {
  static forRoot(env?: Env): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(env),
        TypeOrmModule.forRootAsync({
          inject: [Env],
          useFactory: (e: Env) => dataSourceOptions(e.DATABASE_URL, e.DATABASE_POOL_SIZE),
        }),
        RedisModule,
        AuditModule,
        AuthModule,
        AdminModule,
        PrivacyModule,
        EventsModule,
        RulesModule,
        OperationalLevelsModule,
        OccurrencesModule,
        ReferenceModule,
        HealthModule,
        MetricsModule,
        NotificationsModule,
        LiveModule,
        Open311Module,
        UnitsModule,
        UnitPositionsModule,
        AssetsModule,
        PlatformModule,
        OpenDataModule,
        PublicAlertsModule,
      ],
    };
  }
}
