DELETE FROM scope_attributes;
DELETE FROM oidc_scopes;
DELETE FROM attributes;
DELETE FROM countries;
