import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor, ApiProblems, CorrelationId, CurrentActor, Roles } from '@throughline/service-kit';
import { SimulationRequestDto, SimulationView } from './dto/simulation.dto';
import { SimulationsService } from './simulations.service';

@ApiTags('simulations')
@ApiBearerAuth()
@Controller('v1/simulations')
export class SimulationsController {
  constructor(private readonly simulations: SimulationsService) {}

  @Post()
  @HttpCode(200)
  @Roles('director')
  @ApiOperation({
    summary:
      'What if: hypothetical changes (a task or deliverable slips or costs more, a risk materialises or is mitigated, a key result reaches a value, a budget is revised, the weights change) scored by the live formula; every affected scope today beside its projection, with the differences. Nothing is stored or published (docs/alignment.md)',
  })
  @ApiOkResponse({ type: SimulationView })
  @ApiProblems(404, 422, 503)
  simulate(
    @CurrentActor() actor: Actor,
    @Body() body: SimulationRequestDto,
    @CorrelationId() correlationId: string,
  ): Promise<SimulationView> {
    return this.simulations.simulate(actor, body.changes, correlationId);
  }
}
