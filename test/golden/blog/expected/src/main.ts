import { AppModule } from './app.module';
import { bootstrap } from './platform/bootstrap';

void bootstrap(AppModule);
