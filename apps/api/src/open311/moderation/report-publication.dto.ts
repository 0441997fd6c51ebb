import { ApiProperty } from '@nestjs/swagger';
import { IsBoolean } from 'class-validator';

export class ReportPublicationDto {
  @ApiProperty({ description: "true: the report's description, photo and exact location become public on Open311; false: withdrawn again" })
  @IsBoolean()
  descriptionPublic!: boolean;
}
