import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsObject, IsOptional, IsString, MaxLength } from 'class-validator';

export class PublishRuleSetDto {
  @ApiProperty({ description: 'The whole rule set document (see GET /rule-sets/active); validated whole.' })
  @IsObject()
  document!: Record<string, unknown>;

  @ApiPropertyOptional({ maxLength: 1000 })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  comment?: string;
}
