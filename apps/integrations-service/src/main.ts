import 'reflect-metadata';
import { serviceMain } from '@throughline/service-kit';
import { integrationsService } from './integrations-service.definition';

serviceMain(integrationsService);
