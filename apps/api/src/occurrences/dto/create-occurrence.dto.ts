import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsEmail,
  IsIn,
  IsInt,
  IsLatitude,
  IsLongitude,
  IsNotEmptyObject,
  IsNumber,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { SOURCES, type OccurrenceSource } from '@cgi/shared';

export class LocationDto {
  @ApiProperty({ example: 41.1496 })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @IsLatitude()
  lat!: number;

  @ApiProperty({ example: -8.6061 })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @IsLongitude()
  lon!: number;

  @ApiPropertyOptional({ example: 'Rua de Santa Catarina 312', maxLength: 300 })
  @IsOptional()
  @IsString()
  @MaxLength(300)
  address?: string;
}

export class FlagsDto {
  @ApiPropertyOptional() @IsOptional() @IsBoolean() injuries?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() hazardousMaterials?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() blocksTraffic?: boolean;

  @ApiPropertyOptional({ minimum: 0, maximum: 100000 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(100000)
  peopleAtRisk?: number;
}

export class ReporterDto {
  @ApiPropertyOptional({ maxLength: 200 }) @IsOptional() @IsString() @MaxLength(200) name?: string;

  @ApiPropertyOptional({ example: '+351912345678' })
  @IsOptional()
  @Matches(/^\+?[0-9 ]{6,20}$/, { message: 'phone must be a phone number (digits, spaces, optional +)' })
  phone?: string;

  @ApiPropertyOptional() @IsOptional() @IsEmail() @MaxLength(254) email?: string;
}

export class CreateOccurrenceDto {
  @ApiProperty({ example: 'FALLEN_TREE', description: 'A category code of the rule set in force' })
  @Matches(/^[A-Z][A-Z0-9_]{1,39}$/, { message: 'category must be a category code such as FALLEN_TREE' })
  category!: string;

  @ApiPropertyOptional({ enum: SOURCES, default: 'OPERATOR' })
  @IsOptional()
  @IsIn(SOURCES)
  source?: OccurrenceSource;

  @ApiProperty({ type: LocationDto })
  @IsNotEmptyObject()
  @ValidateNested()
  @Type(() => LocationDto)
  location!: LocationDto;

  @ApiPropertyOptional({ type: FlagsDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => FlagsDto)
  flags?: FlagsDto;

  @ApiProperty({ minLength: 1, maxLength: 4000 })
  @IsString()
  @Length(1, 4000)
  description!: string;

  @ApiPropertyOptional({ type: ReporterDto, description: 'Kept apart; only CGI roles read it' })
  @IsOptional()
  @ValidateNested()
  @Type(() => ReporterDto)
  reporter?: ReporterDto;
}
