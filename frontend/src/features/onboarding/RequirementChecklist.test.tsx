import { render, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { requirement, requirementError } from '../../test/utils';
import { RequirementChecklist } from './RequirementChecklist';

const NOW = new Date(2027, 2, 3, 10);

describe('RequirementChecklist', () => {
  it('groups requirements as past due, due now, due later and upcoming, in that order', () => {
    render(
      <RequirementChecklist
        now={NOW}
        requirements={{
          past_due: [requirement({ description: 'external_account', label: 'Bank account for payouts', deadline_status: 'past_due' })],
          currently_due: [requirement({ description: 'individual.dob.day', label: 'Date of birth' })],
          eventually_due: [requirement({ description: 'individual.id_number', label: 'Full ID number', deadline_status: 'eventually_due' })],
        }}
        futureRequirements={[requirement({ description: 'individual.address.line1', label: 'Home address' })]}
      />,
    );
    const headings = screen.getAllByRole('heading', { level: 3 }).map((h) => h.textContent);
    expect(headings).toEqual(['Past due (1)', 'Due now (1)', 'Due later (1)', 'Upcoming (1)']);

    const pastDue = screen.getByRole('region', { name: /past due/i });
    expect(within(pastDue).getByText('Bank account for payouts')).toBeInTheDocument();
    const upcoming = screen.getByRole('region', { name: /upcoming/i });
    expect(within(upcoming).getByText('Home address')).toBeInTheDocument();
  });

  it('writes verification errors so a person knows what to fix, quoting Stripe only when it adds something', () => {
    const remedy = "We couldn't read the document. Upload a sharp, well-lit photo showing all four corners.";
    render(
      <RequirementChecklist
        now={NOW}
        requirements={{
          past_due: [],
          currently_due: [
            requirement({
              description: 'individual.verification.document',
              label: 'Identity document',
              errors: [
                requirementError({
                  code: 'verification_document_not_readable',
                  message: remedy,
                  remedy,
                  stripe_description: 'The document could not be read.',
                }),
              ],
            }),
            requirement({
              description: 'company.tax_id',
              label: 'Tax ID',
              errors: [
                requirementError({
                  code: 'some_new_code',
                  message: 'The tax ID you provided is invalid. Check it and try again.',
                  remedy: 'Stripe could not verify this information. Please provide it again.',
                  stripe_description: 'The tax ID you provided is invalid. Check it and try again.',
                }),
              ],
            }),
            requirement({
              description: 'individual.id_number',
              label: 'ID number',
              errors: [requirementError()],
            }),
          ],
          eventually_due: [],
        }}
        futureRequirements={[]}
      />,
    );
    const problems = screen.getByRole('list', { name: 'Problems with Identity document' });
    expect(problems).toHaveTextContent(/upload a sharp, well-lit photo showing all four corners/i);
    expect(problems).toHaveTextContent('Stripe says: “The document could not be read.”');
    // Unknown codes: the server's generic remedy, then Stripe's own message.
    expect(screen.getByRole('list', { name: 'Problems with Tax ID' })).toHaveTextContent(
      'Stripe could not verify this information. Please provide it again. Stripe says: “The tax ID you provided is invalid. Check it and try again.”',
    );
    // No Stripe description: no "Stripe says" line.
    const idNumber = screen.getByRole('list', { name: 'Problems with ID number' });
    expect(idNumber).toHaveTextContent('Stripe could not confirm your ID number. Check it for typos.');
    expect(idNumber).not.toHaveTextContent('Stripe says');
  });

  it('shows per-item deadlines, what is affected, and items Stripe is reviewing', () => {
    render(
      <RequirementChecklist
        now={NOW}
        requirements={{
          past_due: [],
          currently_due: [
            requirement({
              deadline: new Date(2027, 2, 8, 12).toISOString(),
              restricts_capabilities: ['stripe_balance.payouts'],
              restricts_capability_labels: ['payouts'],
            }),
          ],
          eventually_due: [],
          awaiting_stripe: [
            requirement({ description: 'individual.verification.document', label: 'Identity document', awaiting_action_from: 'stripe' }),
          ],
        }}
        futureRequirements={[]}
      />,
    );
    expect(screen.getByText('Business website').closest('li')).toHaveTextContent(
      'Due March 8, 2027 (in 5 days) · Affects payouts',
    );
    // Items Stripe is reviewing are in their own group, never counted as due.
    const headings = screen.getAllByRole('heading', { level: 3 }).map((h) => h.textContent);
    expect(headings).toEqual(['Due now (1)', 'Stripe is reviewing (1)']);
    const dueNow = screen.getByRole('region', { name: /due now/i });
    expect(within(dueNow).queryByText('Identity document')).not.toBeInTheDocument();
    const reviewing = screen.getByRole('region', { name: /stripe is reviewing/i });
    expect(within(reviewing).getByText('Identity document')).toBeInTheDocument();
  });

  it('says when upcoming requirements start to apply', () => {
    render(
      <RequirementChecklist
        now={NOW}
        requirements={{ past_due: [], currently_due: [], eventually_due: [], awaiting_stripe: [] }}
        futureRequirements={[requirement({ description: 'individual.address.line1', label: 'Home address', deadline_status: 'eventually_due' })]}
        upcomingDeadline={new Date(2027, 3, 2, 12).toISOString()}
      />,
    );
    const upcoming = screen.getByRole('region', { name: /upcoming/i });
    expect(within(upcoming).getByTestId('upcoming-deadline')).toHaveTextContent('Required from April 2, 2027 (in 30 days)');
  });

  it('says so when nothing is due', () => {
    render(
      <RequirementChecklist now={NOW} requirements={{ past_due: [], currently_due: [], eventually_due: [] }} futureRequirements={[]} />,
    );
    expect(screen.getByText('Nothing is due right now.')).toBeInTheDocument();
  });
});
