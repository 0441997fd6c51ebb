import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiParam, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../auth/actor';
import { CurrentActor, Roles } from '../auth/auth.decorators';
import { OperationalLevelService, type OperationalLevelView } from './operational-level.service';
import { SetOperationalLevelDto } from './set-operational-level.dto';

@ApiTags('operational levels')
@ApiBearerAuth()
@Controller('operational-levels')
export class OperationalLevelsController {
  constructor(private readonly levels: OperationalLevelService) {}

  @Get()
  list(): Promise<OperationalLevelView[]> {
    return this.levels.list();
  }

  /** Sets the level of the city (`CITY`) or of a parish (its INE code). */
  @Put(':scope')
  @Roles('CGI_SUPERVISOR')
  @ApiParam({ name: 'scope', example: '131203' })
  set(@Param('scope') scope: string, @Body() dto: SetOperationalLevelDto, @CurrentActor() actor: Actor): Promise<OperationalLevelView> {
    return this.levels.set(scope, dto.level, dto.reason, actor);
  }
}
