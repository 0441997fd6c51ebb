import { Module } from '@nestjs/common';
import { EventsModule } from '../events/events.module';
import { LiveFeedRepository } from './live-feed.repository';
import { LiveRelayService } from './live-relay.service';
import { LiveGateway } from './live.gateway';

/** The live feed over Socket.IO (docs/architecture.md "Live feed", docs/decisions). */
@Module({
  imports: [EventsModule],
  providers: [LiveFeedRepository, LiveGateway, LiveRelayService],
  exports: [LiveGateway, LiveRelayService],
})
export class LiveModule {}
