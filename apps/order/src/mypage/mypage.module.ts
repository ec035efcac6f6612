import { Module } from '@nestjs/common';
import { MyPageController } from './mypage.controller';
import { MyPageProjector } from './mypage.projector';
import { MyPageStore } from './mypage.store';

/** The myPage read model: its own tables, its own consumer group, its own queries. */
@Module({
  controllers: [MyPageController, MyPageProjector],
  providers: [MyPageStore],
})
export class MyPageModule {}
