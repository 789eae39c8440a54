import { Signature } from '@hubspot/api-client';
import { describe, expect, it } from 'vitest';
import {
  hubSpotSignatureHeaders,
  normalizeV3Uri,
  signV1,
  signV2,
  signV3,
  verifyHubSpotSignature,
} from '../../src/hubspot/signature.js';

// Known-answer vectors from hubspot.md §3 (HubSpot's own tests).
const V1_SECRET = 'yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy';
const V1_BODY =
  '[{"eventId":1,"subscriptionId":12345,"portalId":62515,"occurredAt":1564113600000,"subscriptionType":"contact.creation","attemptNumber":0,"objectId":123,"changeSource":"CRM","changeFlag":"NEW","appId":54321}]';
const PROXY_SECRET = '12345678-aaaa-bbbb-cccc-ddddeeeeffff';
const PROXY_URL = 'https://hubspot.com/?appId=1&portalId=2&userId=3';
const JAVA_SECRET = 'f6e94c08-85d0-4608-bcc6-e1850176e7b8';
const JAVA_URL = 'https://www.hubspot.com/webhook';

describe('signV1, signV2, signV3 against HubSpot known-answer vectors', () => {
  it('when signing the v1 webhook vector, then the hex digest matches', () => {
    expect(signV1({ clientSecret: V1_SECRET, rawBody: V1_BODY })).toBe(
      '232db2615f3d666fe21a8ec971ac7b5402d33b9a925784df3ca654d05f4817de',
    );
  });

  it('when signing the v2 GET vector without body, then the hex digest matches', () => {
    expect(
      signV2({
        clientSecret: V1_SECRET,
        method: 'GET',
        uri: 'https://www.example.com/webhook_uri',
        rawBody: '',
      }),
    ).toBe('eee2dddcc73c94d699f5e395f4b9d454a069a6855fbfa152e91e88823087200e');
  });

  it('when signing the v2 POST vector with a JSON body, then the hex digest matches', () => {
    expect(
      signV2({
        clientSecret: V1_SECRET,
        method: 'POST',
        uri: 'https://www.example.com/webhook_uri',
        rawBody: '{"example_field":"example_value"}',
      }),
    ).toBe('9569219f8ba981ffa6f6f16aa0f48637d35d728c7e4d93d0d52efaa512af7900');
  });

  it('when signing the dev-proxy GET vector, then v3 and v2 both match', () => {
    const request = { clientSecret: PROXY_SECRET, method: 'GET', uri: PROXY_URL, rawBody: '' };
    expect(signV3({ ...request, timestamp: 1111111111 })).toBe(
      'zTfXjo07jfzGouo4wvyAj3qEMUTVJ0PPYPACrluQtQI=',
    );
    expect(signV2(request)).toBe('99080134002180aee8d0884d21ad51288c43b57e9953e4db1e3757999b35c392');
  });

  it('when signing the Java backend POST vectors, then v3 and v2 both match', () => {
    expect(
      signV3({
        clientSecret: JAVA_SECRET,
        method: 'POST',
        uri: JAVA_URL,
        rawBody: '',
        timestamp: 1632188626483,
      }),
    ).toBe('csXgk7UbrE9F8ZmMvbpuKBxqIvTSqU1EX9pI/SJtxSE=');
    expect(
      signV2({ clientSecret: JAVA_SECRET, method: 'POST', uri: JAVA_URL, rawBody: 'REQUEST_BODY' }),
    ).toBe('57bb01a6e6ac92919b5e715d68f40265328701bbf1cf3fd73772887069945766');
  });

  it('when the body is given as bytes or as the same UTF-8 string, then the signatures agree', () => {
    const body = '{"name":"Zoë Müller"}';
    const asString = signV3({
      clientSecret: 's',
      method: 'POST',
      uri: JAVA_URL,
      rawBody: body,
      timestamp: 1,
    });
    const asBytes = signV3({
      clientSecret: 's',
      method: 'POST',
      uri: JAVA_URL,
      rawBody: Buffer.from(body, 'utf8'),
      timestamp: 1,
    });
    expect(asBytes).toBe(asString);
  });
});

describe('normalizeV3Uri', () => {
  it('when the query holds the escapes HubSpot decodes, then they are decoded', () => {
    expect(normalizeV3Uri('https://a.example/hook?x=%3A%2F%3F%40%21%24%27%28%29%2A%2C%3B')).toBe(
      "https://a.example/hook?x=:/?@!$'()*,;",
    );
  });

  it('when escapes are outside the table or in the path, then they stay encoded', () => {
    expect(normalizeV3Uri('https://a.example/a%3Ab?q=a%20b%26c%3d')).toBe(
      'https://a.example/a%3Ab?q=a%20b%26c%3d',
    );
  });

  it('when there is no query string, then the URI is unchanged', () => {
    expect(normalizeV3Uri('https://a.example/hook')).toBe('https://a.example/hook');
  });
});

describe('verifyHubSpotSignature', () => {
  const now = 1_700_000_000_000;
  const url = 'https://app.example.com/hubspot/webhooks?portalId=1&x=%40me';
  const rawBody = Buffer.from('[{"eventId":1,"objectId":5}]', 'utf8');

  const signedHeaders = (timestamp: number, legacyVersion: 'v1' | 'v2' | 'none' = 'v1') =>
    hubSpotSignatureHeaders({
      clientSecret: 'secret',
      method: 'POST',
      uri: url,
      rawBody,
      timestamp,
      legacyVersion,
    });

  it('when a v3 signature over the decoded URL is fresh, then it is accepted as v3', () => {
    const result = verifyHubSpotSignature({
      method: 'POST',
      url,
      rawBody,
      headers: signedHeaders(now - 1000),
      clientSecret: 'secret',
      now,
    });
    expect(result).toEqual({ ok: true, version: 'v3' });
  });

  it('when the v3 timestamp is older than five minutes, then it is refused as stale', () => {
    const result = verifyHubSpotSignature({
      method: 'POST',
      url,
      rawBody,
      headers: signedHeaders(now - 300_001),
      clientSecret: 'secret',
      now,
    });
    expect(result).toMatchObject({ ok: false, code: 'stale_timestamp' });
  });

  it('when the v3 timestamp lies far in the future, then it is refused', () => {
    const result = verifyHubSpotSignature({
      method: 'POST',
      url,
      rawBody,
      headers: signedHeaders(now + 400_000),
      clientSecret: 'secret',
      now,
    });
    expect(result).toMatchObject({ ok: false, code: 'future_timestamp' });
  });

  it('when one byte of the body changes, then the signature is bad', () => {
    const result = verifyHubSpotSignature({
      method: 'POST',
      url,
      rawBody: Buffer.from('[{"eventId":1,"objectId":6}]', 'utf8'),
      headers: signedHeaders(now),
      clientSecret: 'secret',
      now,
    });
    expect(result).toMatchObject({ ok: false, code: 'bad_signature' });
  });

  it('when the secret is wrong, then the signature is bad', () => {
    const result = verifyHubSpotSignature({
      method: 'POST',
      url,
      rawBody,
      headers: signedHeaders(now),
      clientSecret: 'other',
      now,
    });
    expect(result).toMatchObject({ ok: false, code: 'bad_signature' });
  });

  it('when no signature header is present, then the result says so', () => {
    const result = verifyHubSpotSignature({
      method: 'POST',
      url,
      rawBody,
      headers: {},
      clientSecret: 's',
      now,
    });
    expect(result).toMatchObject({ ok: false, code: 'missing_signature' });
  });

  it('when the v3 header comes without a timestamp, then the result says so', () => {
    const headers = { 'x-hubspot-signature-v3': signedHeaders(now)['X-HubSpot-Signature-v3'] };
    const result = verifyHubSpotSignature({
      method: 'POST',
      url,
      rawBody,
      headers,
      clientSecret: 'secret',
      now,
    });
    expect(result).toMatchObject({ ok: false, code: 'missing_timestamp' });
  });

  it('when only a v2 signature is present, then it is checked as v2', () => {
    const { 'X-HubSpot-Signature': signature, 'X-HubSpot-Signature-Version': version } = signedHeaders(
      now,
      'v2',
    );
    const headers = { 'X-HubSpot-Signature': signature, 'X-HubSpot-Signature-Version': version };
    const result = verifyHubSpotSignature({
      method: 'POST',
      url,
      rawBody,
      headers,
      clientSecret: 'secret',
      now,
    });
    expect(result).toEqual({ ok: true, version: 'v2' });
  });

  it('when only a v1 signature without version header is present, then it is checked as v1', () => {
    const headers = { 'x-hubspot-signature': signV1({ clientSecret: V1_SECRET, rawBody: V1_BODY }) };
    const result = verifyHubSpotSignature({
      method: 'POST',
      url,
      rawBody: V1_BODY,
      headers,
      clientSecret: V1_SECRET,
      now,
    });
    expect(result).toEqual({ ok: true, version: 'v1' });
  });

  it('when the endpoint accepts only v3 and the request carries v1, then it is refused', () => {
    const headers = { 'x-hubspot-signature': signV1({ clientSecret: V1_SECRET, rawBody: V1_BODY }) };
    const result = verifyHubSpotSignature({
      method: 'POST',
      url,
      rawBody: V1_BODY,
      headers,
      clientSecret: V1_SECRET,
      now,
      allowedVersions: ['v3'],
    });
    expect(result).toMatchObject({ ok: false, code: 'version_not_allowed' });
  });

  it('when the signature version header names an unknown version, then it is refused', () => {
    const headers = { 'x-hubspot-signature': 'abcd', 'x-hubspot-signature-version': 'v9' };
    const result = verifyHubSpotSignature({ method: 'POST', url, rawBody, headers, clientSecret: 's', now });
    expect(result).toMatchObject({ ok: false, code: 'unsupported_version' });
  });

  it('when the signature is not valid hex, then it is refused without throwing', () => {
    const headers = { 'x-hubspot-signature': 'zz', 'x-hubspot-signature-version': 'v1' };
    const result = verifyHubSpotSignature({ method: 'POST', url, rawBody, headers, clientSecret: 's', now });
    expect(result).toMatchObject({ ok: false, code: 'bad_signature' });
  });
});

describe('agreement with Signature.isValid from @hubspot/api-client', () => {
  it('when our v1, v2 and v3 signatures are checked by the official SDK, then it accepts them', () => {
    const body = '{"example_field":"example_value"}';
    const uri = 'https://www.example.com/webhook_uri';
    const timestamp = Date.now();
    expect(
      Signature.isValid({
        signature: signV1({ clientSecret: 'k', rawBody: body }),
        clientSecret: 'k',
        requestBody: body,
      }),
    ).toBe(true);
    expect(
      Signature.isValid({
        signature: signV2({ clientSecret: 'k', method: 'POST', uri, rawBody: body }),
        clientSecret: 'k',
        requestBody: body,
        url: uri,
        method: 'POST',
        signatureVersion: 'v2',
      }),
    ).toBe(true);
    expect(
      Signature.isValid({
        signature: signV3({ clientSecret: 'k', method: 'POST', uri, rawBody: body, timestamp }),
        clientSecret: 'k',
        requestBody: body,
        url: uri,
        method: 'POST',
        signatureVersion: 'v3',
        timestamp,
      }),
    ).toBe(true);
  });

  it('when the official SDK signs, then our verifier accepts the signature', () => {
    const body = '[{"objectId":1}]';
    const uri = 'https://svc.example.com/hook?a=1';
    const timestamp = 1_700_000_000_000;
    const options = { signature: '', clientSecret: 'k', requestBody: body, url: uri, timestamp };
    const v3 = Signature.getSignature('POST', 'v3', options);
    const v2 = Signature.getSignature('POST', 'v2', options);
    expect(
      verifyHubSpotSignature({
        method: 'POST',
        url: uri,
        rawBody: body,
        headers: { 'x-hubspot-signature-v3': v3, 'x-hubspot-request-timestamp': String(timestamp) },
        clientSecret: 'k',
        now: timestamp,
      }),
    ).toEqual({ ok: true, version: 'v3' });
    expect(
      verifyHubSpotSignature({
        method: 'POST',
        url: uri,
        rawBody: body,
        headers: { 'x-hubspot-signature': v2, 'x-hubspot-signature-version': 'v2' },
        clientSecret: 'k',
        now: timestamp,
      }),
    ).toEqual({ ok: true, version: 'v2' });
  });
});
