import { Module } from '@nestjs/common';
import { EventsModule } from '../events/events.module';
import { RuleSetService } from './rule-set.service';
import { RuleSetsController } from './rule-sets.controller';

@Module({ imports: [EventsModule], controllers: [RuleSetsController], providers: [RuleSetService], exports: [RuleSetService] })
export class RulesModule {}
