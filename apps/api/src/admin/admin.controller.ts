import { Body, Controller, Delete, Get, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { actorLabel, type Actor } from '../auth/actor';
import { ApiKeyService, type ApiKeyView } from '../auth/api-key.service';
import { CurrentActor, Roles } from '../auth/auth.decorators';
import { UsersService, type UserView } from '../auth/users.service';
import { CreateApiKeyDto, CreateUserDto } from './admin.dto';
import { UuidParam } from '../common/uuid-param';

const Id = (): ParameterDecorator => UuidParam('id');

@ApiTags('admin')
@ApiBearerAuth()
@Roles('ADMIN')
@Controller('admin')
export class AdminController {
  constructor(
    private readonly apiKeys: ApiKeyService,
    private readonly users: UsersService,
  ) {}

  @Post('api-keys')
  @ApiOperation({ summary: 'Creates an integration API key; the key is in this answer only' })
  createApiKey(@Body() dto: CreateApiKeyDto, @CurrentActor() a: Actor): Promise<ApiKeyView & { key: string }> {
    return this.apiKeys.create(dto.clientName, dto.scopes, actorLabel(a));
  }

  @Get('api-keys')
  listApiKeys(): Promise<ApiKeyView[]> {
    return this.apiKeys.list();
  }

  @Delete('api-keys/:id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revokes an API key at once' })
  async revokeApiKey(@Id() id: string, @CurrentActor() a: Actor): Promise<void> {
    await this.apiKeys.revoke(id, actorLabel(a));
  }

  @Post('users')
  createUser(@Body() dto: CreateUserDto, @CurrentActor() a: Actor): Promise<UserView> {
    return this.users.create({ ...dto, department: dto.department ?? null }, actorLabel(a));
  }

  @Get('users')
  listUsers(): Promise<UserView[]> {
    return this.users.list();
  }

  @Post('users/:id/disable')
  @HttpCode(200)
  @ApiOperation({ summary: 'Disables a user and revokes their refresh tokens' })
  disableUser(@Id() id: string, @CurrentActor() a: Actor): Promise<UserView> {
    return this.users.disable(id, actorLabel(a));
  }

  @Post('users/:id/unlock')
  @HttpCode(204)
  @ApiOperation({ summary: 'Lifts a login lockout' })
  async unlockUser(@Id() id: string, @CurrentActor() a: Actor): Promise<void> {
    await this.users.unlock(id, actorLabel(a));
  }
}
