import { AppModule } from './app.module';
import { API_INFO } from './generated/api-info';
import { bootstrap } from './platform/bootstrap';

void bootstrap(AppModule, API_INFO);
