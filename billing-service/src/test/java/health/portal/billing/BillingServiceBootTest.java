package health.portal.billing;

import health.portal.testsupport.StatefulServiceContract;

/** billing-service boots on its own PostgreSQL database, migrates it, reports ready and refuses calls without a token. */
class BillingServiceBootTest extends StatefulServiceContract {}
