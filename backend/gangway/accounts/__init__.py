"""Connected accounts: creating the merchant's v2 Account and caching its onboarding state."""
