import { useState, type SubmitEvent } from 'react';
import type { BusinessType } from '../../api/types';
import { Alert } from '../../components/Alert';
import { Button } from '../../components/Button';
import { SelectField } from '../../components/Field';
import { useLastError } from '../../components/useLastError';
import { useCreateAccount } from './queries';

export const COUNTRIES = [
  { value: 'US', label: 'United States' },
  { value: 'CA', label: 'Canada' },
  { value: 'GB', label: 'United Kingdom' },
  { value: 'IE', label: 'Ireland' },
  { value: 'AU', label: 'Australia' },
  { value: 'NZ', label: 'New Zealand' },
  { value: 'DE', label: 'Germany' },
  { value: 'FR', label: 'France' },
  { value: 'ES', label: 'Spain' },
  { value: 'IT', label: 'Italy' },
  { value: 'NL', label: 'Netherlands' },
  { value: 'BE', label: 'Belgium' },
  { value: 'AT', label: 'Austria' },
  { value: 'SE', label: 'Sweden' },
  { value: 'DK', label: 'Denmark' },
  { value: 'FI', label: 'Finland' },
  { value: 'NO', label: 'Norway' },
  { value: 'CH', label: 'Switzerland' },
  { value: 'PT', label: 'Portugal' },
  { value: 'PL', label: 'Poland' },
  { value: 'JP', label: 'Japan' },
  { value: 'SG', label: 'Singapore' },
  { value: 'HK', label: 'Hong Kong' },
  { value: 'MX', label: 'Mexico' },
  { value: 'BR', label: 'Brazil' },
] as const;

const BUSINESS_TYPES: { value: BusinessType | ''; label: string }[] = [
  { value: '', label: 'Decide on Stripe' },
  { value: 'individual', label: 'Individual or sole proprietor' },
  { value: 'company', label: 'Company' },
  { value: 'non_profit', label: 'Non-profit' },
  { value: 'government_entity', label: 'Government entity' },
];

/** Shown when the merchant has no connected account yet: creates it, then "Start onboarding" appears. */
export function CreateAccountForm() {
  const [country, setCountry] = useState('US');
  const [businessType, setBusinessType] = useState<BusinessType | ''>('individual');

  const mutation = useCreateAccount();
  // Kept while the merchant tries again, so the alert is not unmounted and re-announced.
  const error = useLastError(mutation.error, mutation.isSuccess || mutation.isIdle);

  const onSubmit = (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (mutation.isPending) return;
    mutation.mutate(businessType ? { country, business_type: businessType } : { country });
  };

  return (
    <form className="form create-account" onSubmit={onSubmit} aria-label="Create your Stripe account">
      <div className="form-row">
        <SelectField
          label="Country"
          hint="Where your business is based."
          name="country"
          value={country}
          options={COUNTRIES}
          onChange={(e) => {
            setCountry(e.target.value);
          }}
        />
        <SelectField
          label="Business type"
          name="business_type"
          value={businessType}
          options={BUSINESS_TYPES}
          onChange={(e) => {
            setBusinessType(e.target.value as BusinessType | '');
          }}
        />
      </div>
      {error && <Alert tone="error">{error.message}</Alert>}
      <Button type="submit" pending={mutation.isPending} pendingLabel="Creating account…">
        Create Stripe account
      </Button>
    </form>
  );
}
