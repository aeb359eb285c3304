insert into terms_version (version, text, published_at) values ('2025-1', $terms$
Terms of use of the patient portal

1. Not for emergencies. The portal is for non-urgent matters only. In a medical emergency go to the nearest
   emergency room or call 911.

2. Your user ID, password and e-mail. Access is voluntary. We give you an activation code; you then choose a unique
   user ID and a password. Keep them confidential: anyone who has them can see your health information. Change your
   password if you think someone else knows it, and at least every 180 days. Every time you sign in, we keep an
   audit trail of your access, which you can see in your access log.

3. Messages. Expect an answer to a message within three business days; if your provider is away, another provider
   may answer. Messages you send must only concern your own health and become part of your medical record. We send
   notices to your personal e-mail address; they never contain health information.

4. Confidentiality and security. Your health information is kept only in the electronic medical record, behind a
   firewall, never on the web servers. Connections are encrypted, pages are not cached by your browser, sessions end
   after a period of inactivity, and we monitor the portal for break-in attempts.

5. Ending access. If you share your access or misuse the portal, we may end your access. To return you need a new
   activation code.

6. Availability. The portal may sometimes be unavailable, for example for maintenance.

7. Touch ID and passcode (passkeys). You may sign in to the mobile app with a passkey protected by Touch ID or your
   device passcode. Anyone who can unlock that device with a registered fingerprint or the passcode can then sign in
   to your account and see your record.

8. Paperless billing. Enrolling also enrolls you in paperless billing: statements are available in the portal.
   You can go back to paper statements at any time in the billing section.
$terms$, timestamptz '2025-01-01 00:00:00+00');
