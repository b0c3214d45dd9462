import { Module } from '@nestjs/common';
import { NoteFeatureModule } from './generated/note.feature';
import { NoteController } from './note.controller';
import { NoteService } from './note.service';

/** The Note feature: your controller and service on apso's wiring (connections, repositories), which NoteFeatureModule brings. */
@Module({
  imports: [NoteFeatureModule],
  controllers: [NoteController],
  providers: [NoteService],
  exports: [NoteService],
})
export class NoteModule {}
