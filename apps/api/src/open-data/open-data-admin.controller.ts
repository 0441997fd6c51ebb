import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsIn, IsString } from 'class-validator';
import { Roles } from '../auth/auth.decorators';
import { OpenDataService, requestedPeriod, type GenerationResult } from './open-data.service';

export class GenerateOpenDataDto {
  @ApiProperty({ enum: ['daily', 'monthly'] })
  @IsIn(['daily', 'monthly'])
  kind!: 'daily' | 'monthly';

  @ApiProperty({ example: '2026-12-03', description: 'YYYY-MM-DD (daily) or YYYY-MM (monthly)' })
  @IsString()
  period!: string;
}

/** (Re)generates one period's open data files now, as `npm run open-data:generate` does. */
@ApiTags('admin')
@ApiBearerAuth()
@Roles('ADMIN')
@Controller('admin/open-data')
export class OpenDataAdminController {
  constructor(private readonly openData: OpenDataService) {}

  @Post('generate')
  @HttpCode(200)
  @ApiOperation({ summary: 'Regenerates the open data files of a day or month (idempotent)' })
  generate(@Body() dto: GenerateOpenDataDto): Promise<GenerationResult> {
    return this.openData.generate(requestedPeriod(dto.kind, dto.period));
  }
}
