import { Body, Controller, HttpCode, Ip, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public, RateLimitedAs } from './auth.decorators';
import { AuthService, type LoginResult } from './auth.service';
import { LoginDto, RefreshTokenDto } from './login.dto';

@ApiTags('auth')
@Controller('auth')
@Public()
@RateLimitedAs('loginIp')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post('login')
  @HttpCode(200)
  @ApiOperation({ summary: 'Username and password → access token (JWT) and refresh token; 429 while the username is locked from this address (or the address is)' })
  login(@Body() dto: LoginDto, @Ip() ip: string): Promise<LoginResult> {
    return this.auth.login(dto.username, dto.password, ip);
  }

  @Post('refresh')
  @HttpCode(200)
  @ApiOperation({ summary: 'Spends a refresh token for a new pair; reusing a spent one revokes its whole family' })
  refresh(@Body() dto: RefreshTokenDto): Promise<LoginResult> {
    return this.auth.refresh(dto.refreshToken);
  }

  @Post('logout')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revokes the refresh token and its family' })
  async logout(@Body() dto: RefreshTokenDto): Promise<void> {
    await this.auth.logout(dto.refreshToken);
  }
}
