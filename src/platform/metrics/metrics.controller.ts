import { Controller, Get, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { PrometheusController } from '@willsoto/nestjs-prometheus';
import { Public } from '../auth/access.decorator';

/** The library's /metrics handler, documented: the OpenAPI document names and describes every operation. */
@ApiTags('metrics')
@Public()
@Controller()
export class MetricsController extends PrometheusController {
  @Get()
  @ApiOperation({ operationId: 'getMetrics', summary: 'Prometheus metrics, in the text exposition format' })
  @ApiProduces('text/plain')
  @ApiOkResponse({ description: 'Every metric of this instance.', schema: { type: 'string' } })
  override index(@Res({ passthrough: true }) response: unknown): Promise<string> {
    return super.index(response);
  }
}
