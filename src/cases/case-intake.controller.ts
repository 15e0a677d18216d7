import { CouncilController } from '../common/http/api-docs';
import { Body, Get, Patch, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authorize, Principal } from '../access/authorize';
import { CouncilPrincipal } from '../access/council-principal';
import { IdParam } from '../common/http/id-param';
import {
  ContactList,
  ContactView,
  CreateContactDto,
  CreateRelatedPersonDto,
  RelatedPersonConsentDto,
  RelatedPersonList,
  RelatedPersonView,
  RiskHistoryView,
  RiskView,
  SetRiskDto,
  UpdateRelatedPersonDto,
} from './case-intake.dto';
import { CaseIntakeService } from './case-intake.service';

/** Related persons, risk and contacts of a case (issue 17); each visible exactly when the case is. */
@ApiTags('cases')
@CouncilController('cases/:caseId')
export class CaseIntakeController {
  constructor(private readonly intake: CaseIntakeService) {}

  @Get('related-persons')
  @Authorize('read', 'RelatedPerson')
  @ApiOperation({
    summary: 'Related persons (当事者等) of a case',
    operationId: 'listRelatedPersons',
  })
  @ApiOkResponse({ type: RelatedPersonList })
  listRelatedPersons(@Principal() p: CouncilPrincipal, @IdParam('caseId') caseId: string) {
    return this.intake.listRelatedPersons(p, caseId);
  }

  @Post('related-persons')
  @Authorize('create', 'RelatedPerson')
  @ApiOperation({
    summary: 'Add a related person (coordinators)',
    operationId: 'createRelatedPerson',
  })
  @ApiCreatedResponse({ type: RelatedPersonView })
  createRelatedPerson(
    @Principal() p: CouncilPrincipal,
    @IdParam('caseId') caseId: string,
    @Body() dto: CreateRelatedPersonDto,
  ) {
    return this.intake.createRelatedPerson(p, caseId, dto);
  }

  @Patch('related-persons/:relatedPersonId')
  @Authorize('update', 'RelatedPerson')
  @ApiOperation({
    summary: 'Correct a related person (coordinators)',
    operationId: 'updateRelatedPerson',
  })
  @ApiOkResponse({ type: RelatedPersonView })
  updateRelatedPerson(
    @Principal() p: CouncilPrincipal,
    @IdParam('caseId') caseId: string,
    @IdParam('relatedPersonId') id: string,
    @Body() dto: UpdateRelatedPersonDto,
  ) {
    return this.intake.updateRelatedPerson(p, caseId, id, dto);
  }

  @Post('related-persons/:relatedPersonId/consents')
  @Authorize('update', 'RelatedPerson')
  @ApiOperation({
    summary:
      "Record a related person's own consent (coordinators); it never covers a body on the case",
    operationId: 'createRelatedPersonConsent',
  })
  @ApiCreatedResponse({ type: RelatedPersonView })
  addRelatedPersonConsent(
    @Principal() p: CouncilPrincipal,
    @IdParam('caseId') caseId: string,
    @IdParam('relatedPersonId') id: string,
    @Body() dto: RelatedPersonConsentDto,
  ) {
    return this.intake.addRelatedPersonConsent(p, caseId, id, dto);
  }

  @Post('risk')
  @Authorize('create', 'Risk')
  @ApiOperation({
    summary: 'Set the risk level (coordinators); history is kept',
    operationId: 'setRisk',
  })
  @ApiCreatedResponse({ type: RiskView })
  setRisk(
    @Principal() p: CouncilPrincipal,
    @IdParam('caseId') caseId: string,
    @Body() dto: SetRiskDto,
  ) {
    return this.intake.setRisk(p, caseId, dto);
  }

  @Get('risk')
  @Authorize('read', 'Risk')
  @ApiOperation({ summary: 'The risk level and its history', operationId: 'getRiskHistory' })
  @ApiOkResponse({ type: RiskHistoryView })
  riskHistory(@Principal() p: CouncilPrincipal, @IdParam('caseId') caseId: string) {
    return this.intake.riskHistory(p, caseId);
  }

  @Post('contacts')
  @Authorize('create', 'Contact')
  @ApiOperation({
    summary: "Record a contact (agency staff: their own body's; coordinators: any body's)",
    operationId: 'createContact',
  })
  @ApiCreatedResponse({ type: ContactView })
  addContact(
    @Principal() p: CouncilPrincipal,
    @IdParam('caseId') caseId: string,
    @Body() dto: CreateContactDto,
  ) {
    return this.intake.addContact(p, caseId, dto);
  }

  @Get('contacts')
  @Authorize('read', 'Contact')
  @ApiOperation({ summary: 'The contact log of a case, newest first', operationId: 'listContacts' })
  @ApiOkResponse({ type: ContactList })
  listContacts(@Principal() p: CouncilPrincipal, @IdParam('caseId') caseId: string) {
    return this.intake.listContacts(p, caseId);
  }
}
