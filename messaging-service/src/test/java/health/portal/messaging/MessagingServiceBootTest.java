package health.portal.messaging;

import health.portal.testsupport.StatefulServiceContract;

/** messaging-service boots on its own PostgreSQL database, migrates it, reports ready and refuses calls without a token. */
class MessagingServiceBootTest extends StatefulServiceContract {}
