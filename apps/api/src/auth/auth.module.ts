import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { createSecretKey } from 'node:crypto';
import { JwtModule } from '@nestjs/jwt';
import { Env } from '../config/env';
import { RateLimitService } from '../rate-limit/rate-limit.service';
import { ApiKeyService } from './api-key.service';
import { AuthController } from './auth.controller';
import { AuthGuard } from './auth.guard';
import { AuthService } from './auth.service';
import { UserRevocationService } from './user-revocation.service';
import { UsersService } from './users.service';

@Module({
  imports: [
    JwtModule.registerAsync({
      inject: [Env],
      useFactory: (env: Env) => {
        // A KeyObject, made once: given a string, jsonwebtoken first tries (and fails) to parse it
        // as a public key on every verification, about 1 ms of CPU per request.
        const key = createSecretKey(Buffer.from(env.JWT_SECRET, 'utf8'));
        return {
          secretOrKeyProvider: () => key,
          signOptions: { expiresIn: env.JWT_ACCESS_TTL_SECONDS, algorithm: 'HS256' },
          verifyOptions: { algorithms: ['HS256'] },
        };
      },
    }),
  ],
  controllers: [AuthController],
  providers: [AuthService, ApiKeyService, UsersService, UserRevocationService, RateLimitService, { provide: APP_GUARD, useClass: AuthGuard }],
  exports: [AuthService, ApiKeyService, UsersService, UserRevocationService, RateLimitService],
})
export class AuthModule {}
