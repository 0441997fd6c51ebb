import { Body, Controller, Get, Param, ParseIntPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { RuleSetView } from '@cgi/shared';
import type { Actor } from '../auth/actor';
import { CurrentActor, Roles } from '../auth/auth.decorators';
import { PublishRuleSetDto } from './publish-rule-set.dto';
import { RuleSetService } from './rule-set.service';

@ApiTags('rule sets')
@ApiBearerAuth()
@Controller('rule-sets')
export class RuleSetsController {
  constructor(private readonly rules: RuleSetService) {}

  @Get()
  @Roles('CGI_OPERATOR', 'CGI_SUPERVISOR', 'ADMIN')
  list(): Promise<RuleSetView[]> {
    return this.rules.list();
  }

  @Get('active')
  async active(): Promise<RuleSetView> {
    const { version } = await this.rules.active();
    return this.rules.get(version);
  }

  @Get(':version')
  @Roles('CGI_OPERATOR', 'CGI_SUPERVISOR', 'ADMIN')
  get(@Param('version', ParseIntPipe) version: number): Promise<RuleSetView> {
    return this.rules.get(version);
  }

  /** Publishes a new version, in force at once; running deadlines keep the version they started with. */
  @Post()
  @Roles('CGI_SUPERVISOR')
  publish(@Body() dto: PublishRuleSetDto, @CurrentActor() actor: Actor): Promise<RuleSetView> {
    return this.rules.publish(dto.document, dto.comment ?? null, actor);
  }
}
