import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsString, Length } from 'class-validator';
import { OPERATIONAL_LEVELS, type OperationalLevel } from '@cgi/shared';

export class SetOperationalLevelDto {
  @ApiProperty({ enum: OPERATIONAL_LEVELS })
  @IsIn(OPERATIONAL_LEVELS)
  level!: OperationalLevel;

  @ApiProperty({ maxLength: 1000 })
  @IsString()
  @Length(3, 1000)
  reason!: string;
}
