import { FORBID, gql, NOTFND, OK, Row, setup, UNAUTH, w } from '../support/permission-matrix';

const CREATE = `mutation($o: ID!, $types: [WebhookEventType!]!) { createWebhookEndpoint(input: { organisationId: $o, url: "https://example.org/matrix-hook", eventTypes: $types }) { secret endpoint { id } } }`;
const ENDPOINTS = `query($s: String!) { organisation(slug: $s) { id webhookEndpoints { id deliveries(first: 100) { edges { node { id payload } } } } } }`;

/** A fresh endpoint of organisation A, made by its founder (an admin), for one cell. */
async function endpointOfA(types: string[] = ['PING', 'ATTENDANCE_CHANGED']): Promise<string> {
  return (await setup(CREATE, { o: w.orgA.id, types })).createWebhookEndpoint.endpoint.id;
}

// Endpoints are invisible to anyone but admins and WEBHOOKS_WRITE keys of the organisation: NOT_FOUND;
// a key without the scope is refused by the operation's declaration (FORBIDDEN).
//                           anonymous user    member  organiser otherOrg admin otherAdmin keyScope keyNoScope revokedKey
const MANAGE_WEBHOOK = /**/ [UNAUTH, NOTFND, NOTFND, NOTFND, NOTFND, OK, NOTFND, OK, FORBID, UNAUTH] as const;
const WEBHOOKS_FIELD = /**/ [FORBID, FORBID, FORBID, FORBID, FORBID, OK, FORBID, OK, FORBID, UNAUTH] as const;

/** The permission matrix rows of webhooks (DESIGN.md: admins and WEBHOOKS_WRITE keys). */
export const webhookRows: Row[] = [
  {
    name: 'Mutation.createWebhookEndpoint',
    covers: 'Mutation.createWebhookEndpoint',
    perform: async (a) => ({ res: await gql(CREATE, { o: w.orgA.id, types: ['PING'] }, a), pick: (d) => d.createWebhookEndpoint.secret }),
    expected: [UNAUTH, FORBID, FORBID, FORBID, FORBID, OK, FORBID, OK, FORBID, UNAUTH],
  },
  {
    name: 'Mutation.updateWebhookEndpoint',
    covers: 'Mutation.updateWebhookEndpoint',
    perform: async (a) => {
      const id = await endpointOfA();
      return {
        res: await gql(`mutation($id: ID!) { updateWebhookEndpoint(id: $id, input: { description: "changed" }) { id } }`, { id }, a),
        pick: (d) => d.updateWebhookEndpoint,
      };
    },
    expected: MANAGE_WEBHOOK,
  },
  {
    name: 'Mutation.deleteWebhookEndpoint',
    covers: 'Mutation.deleteWebhookEndpoint',
    perform: async (a) => {
      const id = await endpointOfA();
      return { res: await gql(`mutation($id: ID!) { deleteWebhookEndpoint(id: $id) }`, { id }, a), pick: (d) => d.deleteWebhookEndpoint };
    },
    expected: MANAGE_WEBHOOK,
  },
  {
    name: 'Mutation.rotateWebhookSecret',
    covers: 'Mutation.rotateWebhookSecret',
    perform: async (a) => {
      const id = await endpointOfA();
      return { res: await gql(`mutation($id: ID!) { rotateWebhookSecret(id: $id) { secret } }`, { id }, a), pick: (d) => d.rotateWebhookSecret.secret };
    },
    expected: MANAGE_WEBHOOK,
  },
  {
    name: 'Mutation.sendTestWebhook',
    covers: 'Mutation.sendTestWebhook',
    perform: async (a) => {
      const id = await endpointOfA();
      return { res: await gql(`mutation($id: ID!) { sendTestWebhook(id: $id) { id messageId } }`, { id }, a), pick: (d) => d.sendTestWebhook };
    },
    expected: MANAGE_WEBHOOK,
  },
  {
    name: 'Mutation.redeliverWebhook',
    covers: 'Mutation.redeliverWebhook',
    perform: async (a) => {
      const id = await endpointOfA();
      const deliveryId = (await setup(`mutation($id: ID!) { sendTestWebhook(id: $id) { id } }`, { id })).sendTestWebhook.id;
      return {
        res: await gql(`mutation($id: ID!) { redeliverWebhook(deliveryId: $id) { id messageId } }`, { id: deliveryId }, a),
        pick: (d) => d.redeliverWebhook,
      };
    },
    expected: MANAGE_WEBHOOK,
  },
  {
    name: 'Organisation.webhookEndpoints (null with FORBIDDEN for others)',
    covers: 'Organisation.webhookEndpoints',
    perform: async (a) => {
      await endpointOfA();
      return {
        res: await gql(ENDPOINTS, { s: w.orgA.slug }, a),
        pick: (d) => d.organisation.webhookEndpoints,
        fieldPath: ['organisation', 'webhookEndpoints'],
      };
    },
    expected: WEBHOOKS_FIELD,
  },
  {
    name: 'WebhookDelivery.payload (reached through Organisation.webhookEndpoints; keys need the read scope of the event type)',
    covers: 'WebhookDelivery.payload',
    perform: async (a) => {
      const id = await endpointOfA();
      const deliveryId = (await setup(`mutation($id: ID!) { sendTestWebhook(id: $id) { id } }`, { id })).sendTestWebhook.id;
      return {
        res: await gql(ENDPOINTS, { s: w.orgA.slug }, a),
        pick: (d) => d.organisation.webhookEndpoints.find((e: any) => e.id === id).deliveries.edges.find((e: any) => e.node.id === deliveryId).node.payload,
        fieldPath: ['organisation', 'webhookEndpoints'],
      };
    },
    expected: WEBHOOKS_FIELD,
  },
];
