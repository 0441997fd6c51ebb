import { Module } from '@nestjs/common';
import { ParishLocator } from './parish-locator.service';

@Module({ providers: [ParishLocator], exports: [ParishLocator] })
export class GeoModule {}
