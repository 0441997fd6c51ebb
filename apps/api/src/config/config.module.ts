import { Global, Module, type DynamicModule } from '@nestjs/common';
import { Env, validateEnv } from './env';

/** Provides the validated environment. `forRoot(env)` lets tests pass their own. */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(env?: Env): DynamicModule {
    return {
      module: ConfigModule,
      providers: [{ provide: Env, useFactory: () => env ?? validateEnv(process.env) }],
      exports: [Env],
    };
  }
}
