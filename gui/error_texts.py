"""What the service layer's refusals say, for translation: every message template (and
every field name) that app/ can raise in a ServiceError, in the form lupdate extracts.

app/ imports no Qt, so lupdate cannot find its messages there. tests/gui/test_error_texts.py
fails when app/ raises a template missing here (or when one here is no longer raised).
gui/errors.py error_text() translates through these.
"""

from PySide6.QtCore import QT_TRANSLATE_NOOP

CONTEXT = "ServiceError"

TEMPLATES = (
    # app/accounts.py
    QT_TRANSLATE_NOOP(
        "ServiceError",
        "Username must be 2-64 characters: letters, digits, '.', '_' or '-', starting with a "
        "letter or digit"),
    QT_TRANSLATE_NOOP("ServiceError", "Email: {email!r} is not a valid email address"),
    QT_TRANSLATE_NOOP("ServiceError", "Phone: {phone!r} is not a valid phone number"),
    QT_TRANSLATE_NOOP("ServiceError", "the role must be one of {roles}"),
    QT_TRANSLATE_NOOP("ServiceError", "there is no user named {username!r}"),
    QT_TRANSLATE_NOOP("ServiceError", "there is no user with ID {user_id}"),
    QT_TRANSLATE_NOOP("ServiceError", "the status must be active or disabled"),
    QT_TRANSLATE_NOOP("ServiceError", "Email is required"),
    QT_TRANSLATE_NOOP("ServiceError", "a user named {name!r} already exists"),
    # app/adminauth.py
    QT_TRANSLATE_NOOP("ServiceError", "too many wrong passwords; try again after {until} UTC"),
    QT_TRANSLATE_NOOP("ServiceError", "there is no admin account yet; run first-time setup"),
    QT_TRANSLATE_NOOP("ServiceError", "the current password is wrong"),
    QT_TRANSLATE_NOOP("ServiceError", "an admin account already exists"),
    # app/admintokens.py
    QT_TRANSLATE_NOOP("ServiceError", "token name must be 1-64 characters"),
    QT_TRANSLATE_NOOP("ServiceError", "there is no admin token with ID {token_id}"),
    # app/apikeys.py
    QT_TRANSLATE_NOOP("ServiceError", "{field} must be a whole number"),
    QT_TRANSLATE_NOOP("ServiceError", "{field} must be between 0 (unlimited) and {maximum}"),
    QT_TRANSLATE_NOOP("ServiceError", "Expiry: that date is in the past"),
    QT_TRANSLATE_NOOP("ServiceError", "Name must be 1-64 characters"),
    QT_TRANSLATE_NOOP("ServiceError", "there is no API key with ID {key_id}"),
    QT_TRANSLATE_NOOP(
        "ServiceError",
        "Allowed models: {model!r} is not a valid model name (at most 128 characters, no spaces)"),
    QT_TRANSLATE_NOOP("ServiceError", "{field} must be a whole number, not {value!r}"),
    QT_TRANSLATE_NOOP(
        "ServiceError",
        "Allowed addresses: {value!r} is not an IP address or network (such as 192.168.1.10 or "
        "192.168.1.0/24)"),
    QT_TRANSLATE_NOOP("ServiceError", "Expiry must be a date written YYYY-MM-DD, not {value!r}"),
    QT_TRANSLATE_NOOP("ServiceError",
                      "{field} must be from 1 to {maximum}, the relay's own limit"),
    QT_TRANSLATE_NOOP("ServiceError", "Expiry: that date is too far in the future"),
    QT_TRANSLATE_NOOP("ServiceError",
                      "the relay's operator set this key's limits; only they can change them"),
    # app/backup.py
    QT_TRANSLATE_NOOP("ServiceError", "cannot create a new file for {name} in {folder}"),
    QT_TRANSLATE_NOOP(
        "ServiceError",
        "This RelayDesk uses PostgreSQL. Back it up with pg_dump (for example `pg_dump -Fc "
        "DATABASE > relaydesk.dump`) under your database's access control; RelayDesk does not "
        "copy PostgreSQL databases itself."),
    QT_TRANSLATE_NOOP("ServiceError", "keep at least one backup"),
    QT_TRANSLATE_NOOP("ServiceError", "the backup failed its integrity check: {result}"),
    QT_TRANSLATE_NOOP(
        "ServiceError",
        "there is no backup file {name!r} (give a path, or a file name from {folder})"),
    QT_TRANSLATE_NOOP("ServiceError", "that is the live database, not a backup"),
    QT_TRANSLATE_NOOP("ServiceError", "{name} failed its integrity check: {result}"),
    QT_TRANSLATE_NOOP("ServiceError", "{name} is not a RelayDesk database"),
    QT_TRANSLATE_NOOP("ServiceError", "{name} is not a readable SQLite database ({error})"),
    QT_TRANSLATE_NOOP("ServiceError", "the copy of {name} failed its check: {result}"),
    QT_TRANSLATE_NOOP(
        "ServiceError",
        "the database is still open elsewhere (the RelayDesk window or `relaydesk serve` on this "
        "data folder?); quit it, then restore"),
    # app/bans.py
    QT_TRANSLATE_NOOP("ServiceError", "{ip!r} is not an IP address"),
    QT_TRANSLATE_NOOP("ServiceError", "a ban lasts at least one minute"),
    QT_TRANSLATE_NOOP("ServiceError", "{address} is not banned"),
    # app/billing.py
    QT_TRANSLATE_NOOP("ServiceError", "the amount must be a whole number of micro-units"),
    QT_TRANSLATE_NOOP("ServiceError", "reservation {request_id} is gone (recovered)"),
    # app/db.py
    QT_TRANSLATE_NOOP(
        "ServiceError",
        "the database {path} is damaged ({reason}); restore a backup with: relaydesk restore "
        "FILE --yes  (relaydesk backup list shows them)"),
    QT_TRANSLATE_NOOP(
        "ServiceError",
        "DATABASE_URL must be a postgresql:// URL (or unset for the SQLite file in the data "
        "folder)"),
    # app/deployment.py (the desktop app's choice of a PostgreSQL deployment)
    QT_TRANSLATE_NOOP("ServiceError", "Host: enter the PostgreSQL server's name or address"),
    QT_TRANSLATE_NOOP("ServiceError", "Host: {host!r} is not a host name or IP address"),
    QT_TRANSLATE_NOOP("ServiceError", "Port must be a number from 1 to 65535"),
    QT_TRANSLATE_NOOP("ServiceError", "Database: {name!r} is not a valid database name (letters, "
                      "digits, '_', '-', '.' and '$', at most 63 characters)"),
    QT_TRANSLATE_NOOP("ServiceError", "User: {name!r} is not a valid user name (letters, digits, "
                      "'_', '-', '.', '@' and '$', at most 63 characters)"),
    QT_TRANSLATE_NOOP("ServiceError", "SSL mode must be one of {modes}"),
    QT_TRANSLATE_NOOP("ServiceError",
                      "the password cannot be passed to PostgreSQL in a connection URL; choose "
                      "another password"),
    QT_TRANSLATE_NOOP("ServiceError",
                      "{path} is not a valid deployment choice ({reason}); choose again in "
                      "Settings or delete the file"),
    QT_TRANSLATE_NOOP(
        "ServiceError",
        "no usable OS keyring was found for the database password, and RelayDesk never stores "
        "secrets in plain text. Unlock or install a keyring (GNOME Keyring, KWallet, macOS "
        "Keychain, Windows Credential Manager), or start RelayDesk with DATABASE_URL set "
        "instead"),
    QT_TRANSLATE_NOOP("ServiceError",
                      "the OS keyring refused to store the database password; unlock it, or "
                      "start RelayDesk with DATABASE_URL set instead"),
    QT_TRANSLATE_NOOP("ServiceError",
                      "the database {database!r} holds other tables but no RelayDesk data; "
                      "choose an empty database or one of RelayDesk's"),
    QT_TRANSLATE_NOOP("ServiceError", "PostgreSQL refused to read the database {database!r}: "
                      "{reason}"),
    QT_TRANSLATE_NOOP("ServiceError",
                      "the database {database!r} was made by a newer RelayDesk (schema version "
                      "{found}; this app knows up to {latest}); update this app first"),
    QT_TRANSLATE_NOOP("ServiceError", "PostgreSQL refused the password for the user {user!r}"),
    QT_TRANSLATE_NOOP("ServiceError",
                      "PostgreSQL asks for a password for the user {user!r}, and none was given "
                      "or stored in the keyring"),
    QT_TRANSLATE_NOOP("ServiceError",
                      "PostgreSQL does not let the user {user!r} connect from this computer (no "
                      "pg_hba.conf entry allows it)"),
    QT_TRANSLATE_NOOP("ServiceError", "PostgreSQL has no user {user!r}"),
    QT_TRANSLATE_NOOP("ServiceError", "the database {database!r} does not exist on {host}"),
    QT_TRANSLATE_NOOP("ServiceError",
                      "the server does not offer SSL, but the SSL mode {sslmode} requires it"),
    QT_TRANSLATE_NOOP("ServiceError", "the server name {host!r} was not found"),
    QT_TRANSLATE_NOOP("ServiceError",
                      "could not reach PostgreSQL at {host}:{port}: the connection was refused "
                      "(is the server running and listening there?)"),
    QT_TRANSLATE_NOOP("ServiceError",
                      "could not reach PostgreSQL at {host}:{port}: no answer within {seconds} "
                      "seconds"),
    QT_TRANSLATE_NOOP("ServiceError", "could not connect to PostgreSQL at {host}:{port}: {reason}"),
    # app/export.py
    QT_TRANSLATE_NOOP("ServiceError", "the format must be one of {formats}"),
    QT_TRANSLATE_NOOP("ServiceError", "{path} is a folder; give a file name"),
    QT_TRANSLATE_NOOP("ServiceError", "cannot write to {folder}: {error}"),
    # app/groups.py
    QT_TRANSLATE_NOOP(
        "ServiceError",
        "group name must be 1-64 characters: letters, digits, '.', '_' or '-', starting with a "
        "letter or digit"),
    QT_TRANSLATE_NOOP("ServiceError", "multiplier must be given as decimal text, not a float"),
    QT_TRANSLATE_NOOP("ServiceError", "multiplier must not be negative"),
    QT_TRANSLATE_NOOP(
        "ServiceError",
        "multiplier is not a number: {value!r} (write plain decimal text such as 0.8 or 1.25)"),
    QT_TRANSLATE_NOOP("ServiceError", "multiplier has more than 6 decimal places: {value}"),
    QT_TRANSLATE_NOOP("ServiceError", "multiplier must be at most {maximum}"),
    QT_TRANSLATE_NOOP("ServiceError", "description must be at most {maximum} characters"),
    QT_TRANSLATE_NOOP("ServiceError", "there is no group named {name!r}"),
    QT_TRANSLATE_NOOP("ServiceError", "the default group cannot be removed"),
    QT_TRANSLATE_NOOP("ServiceError", "invalid model name: {model!r}"),
    QT_TRANSLATE_NOOP("ServiceError", "a group named {name!r} already exists"),
    QT_TRANSLATE_NOOP("ServiceError", "the default group cannot be renamed"),
    QT_TRANSLATE_NOOP(
        "ServiceError",
        "group {name!r} still has 1 user; move them to another group first"),
    QT_TRANSLATE_NOOP(
        "ServiceError",
        "group {name!r} still has {count} users; move them to another group first"),
    # app/keystore.py
    QT_TRANSLATE_NOOP(
        "ServiceError",
        "no usable OS keyring was found, and RelayDesk never stores secrets in plain text. On a "
        "desktop, unlock or install a keyring (GNOME Keyring, KWallet, macOS Keychain, Windows "
        "Credential Manager). On a headless server, set the environment variable {env} to the "
        "key instead."),
    QT_TRANSLATE_NOOP(
        "ServiceError",
        "the OS keyring refused to store the secret ({error}); no usable OS keyring was found, "
        "and RelayDesk never stores secrets in plain text. On a desktop, unlock or install a "
        "keyring (GNOME Keyring, KWallet, macOS Keychain, Windows Credential Manager). On a "
        "headless server, set the environment variable {env} to the key instead."),
    # app/ledger.py
    QT_TRANSLATE_NOOP(
        "ServiceError",
        "the balance ({balance}) cannot cover this charge of {amount}"),
    QT_TRANSLATE_NOOP(
        "ServiceError",
        "Reason is required: the ledger keeps why each adjustment was made"),
    QT_TRANSLATE_NOOP("ServiceError", "Amount must not be zero"),
    # app/logquery.py
    QT_TRANSLATE_NOOP("ServiceError", "Status must be one of {choices}"),
    QT_TRANSLATE_NOOP("ServiceError", "the start of the date range must be before its end"),
    # app/money.py
    QT_TRANSLATE_NOOP(
        "ServiceError",
        '{field} must be sent as decimal text such as "12.50", not a float'),
    QT_TRANSLATE_NOOP("ServiceError", "{field} is too long to be an amount"),
    QT_TRANSLATE_NOOP("ServiceError", "{field} is required"),
    QT_TRANSLATE_NOOP("ServiceError", "{field} is not a number: {text!r} (write it like 12.50)"),
    QT_TRANSLATE_NOOP("ServiceError", "{field} must be a finite number"),
    QT_TRANSLATE_NOOP("ServiceError", "{field} is too large"),
    QT_TRANSLATE_NOOP("ServiceError", "{field} has more than 6 decimal places: {text}"),
    QT_TRANSLATE_NOOP("ServiceError", "{field} must not be zero"),
    QT_TRANSLATE_NOOP("ServiceError", "{field} cannot be negative"),
    QT_TRANSLATE_NOOP("ServiceError", "{field} must be positive"),
    QT_TRANSLATE_NOOP("ServiceError", "{field} is not a number: {text!r}"),
    # app/passwords.py
    QT_TRANSLATE_NOOP("ServiceError", "Password must be at least {minimum} characters"),
    QT_TRANSLATE_NOOP(
        "ServiceError",
        "Password is too long: {size} bytes, and at most {maximum} bytes can be used (a Chinese "
        "character takes 3), so choose a shorter one"),
    # app/migrations.py
    QT_TRANSLATE_NOOP(
        "ServiceError",
        "the database was made by a newer RelayDesk (schema version {found}; this one knows up "
        "to {latest}); update RelayDesk first"),
    # app/policy.py
    QT_TRANSLATE_NOOP("ServiceError", "version {version} is older than the current {current}"),
    QT_TRANSLATE_NOOP("ServiceError", "a policy version is its date, YYYY-MM-DD"),
    # app/privacy.py
    QT_TRANSLATE_NOOP("ServiceError", "the policy version must be 1-32 characters"),
    QT_TRANSLATE_NOOP(
        "ServiceError",
        "{name} has requests in progress; try again when they finish"),
    # app/recharges.py
    QT_TRANSLATE_NOOP("ServiceError", "Note is longer than 500 characters"),
    QT_TRANSLATE_NOOP("ServiceError", "Amount must be positive"),
    QT_TRANSLATE_NOOP("ServiceError", "Method must be one of {methods}"),
    QT_TRANSLATE_NOOP("ServiceError", "there is no recharge with order number {order_no!r}"),
    QT_TRANSLATE_NOOP(
        "ServiceError",
        "recharge {order_no} is {status}; there is nothing to refund"),
    QT_TRANSLATE_NOOP("ServiceError", "Refund amount must be positive"),
    QT_TRANSLATE_NOOP(
        "ServiceError",
        "the refund of {amount} is more than the {remaining} of {order_no} that can still be "
        "refunded"),
    # app/reports.py
    QT_TRANSLATE_NOOP("ServiceError", "the end of the date range must be after its start"),
    # app/retention.py
    QT_TRANSLATE_NOOP("ServiceError", "the batch size must be a whole number from 1 to {maximum}"),
    QT_TRANSLATE_NOOP(
        "ServiceError",
        "another RelayDesk process is purging old records right now; try again later"),
    QT_TRANSLATE_NOOP("ServiceError", "this purge run has stopped; start a new one"),
    QT_TRANSLATE_NOOP("ServiceError", "this purge run has already finished"),
    # app/settings.py
    QT_TRANSLATE_NOOP("ServiceError", "{field} must be a 3-letter code such as CNY"),
    QT_TRANSLATE_NOOP(
        "ServiceError",
        "there is no setting called {key!r}; the settings are: {known}"),
    QT_TRANSLATE_NOOP("ServiceError", "{field} must be between {low} and {high}"),
    QT_TRANSLATE_NOOP("ServiceError", "{field} must be one of {options}"),
    QT_TRANSLATE_NOOP(
        "ServiceError",
        "{field}: {item!r} is not an IP address or network (such as 192.168.1.10 or "
        "192.168.1.0/24)"),
    # app/stats.py
    QT_TRANSLATE_NOOP(
        "ServiceError",
        "the number of days must be a whole number from 1 to {maximum}"),
    QT_TRANSLATE_NOOP("ServiceError", "min_group must be a whole number of at least 1"),
    # app/tls.py
    QT_TRANSLATE_NOOP("ServiceError", "HTTPS must be one of {modes}, not {mode!r}"),
    QT_TRANSLATE_NOOP(
        "ServiceError",
        "an HTTPS certificate needs its private key: set both the certificate file and the "
        "private key file (or neither, for RelayDesk's own certificate)"),
    QT_TRANSLATE_NOOP(
        "ServiceError",
        "HTTPS private key file: {key} does not belong to the certificate {cert}"),
    QT_TRANSLATE_NOOP(
        "ServiceError",
        "cannot use the HTTPS certificate {cert} with the key {key}: {error}"),
    QT_TRANSLATE_NOOP("ServiceError", "HTTPS certificate file: {path} is not a PEM certificate"),
    QT_TRANSLATE_NOOP(
        "ServiceError",
        "HTTPS private key file: {path} is encrypted; RelayDesk needs an unencrypted key "
        "(protect the file with permissions instead)"),
    QT_TRANSLATE_NOOP("ServiceError", "HTTPS private key file: {path} is not a PEM private key"),
    QT_TRANSLATE_NOOP("ServiceError", "{field}: {path} was not found"),
    QT_TRANSLATE_NOOP("ServiceError", "{field}: cannot read {path} ({error})"),
    # app/invites.py
    QT_TRANSLATE_NOOP("ServiceError", "Uses must be between 1 and {maximum}"),
    QT_TRANSLATE_NOOP("ServiceError", "Note must be at most {maximum} characters"),
    QT_TRANSLATE_NOOP("ServiceError", "there is no invite with ID {invite_id}"),
    QT_TRANSLATE_NOOP("ServiceError", "an invite code is needed to register"),
    QT_TRANSLATE_NOOP("ServiceError", "that invite code is not valid, expired or used up"),
    # app/registration.py
    QT_TRANSLATE_NOOP("ServiceError", "that password is too common; choose another"),
    QT_TRANSLATE_NOOP("ServiceError", "the password must not be your username or email"),
    QT_TRANSLATE_NOOP(
        "ServiceError",
        "registration is closed on this relay; ask its operator for an account"),
    QT_TRANSLATE_NOOP("ServiceError", "please accept the privacy policy (version {version})"),
    QT_TRANSLATE_NOOP("ServiceError", "an account with that email already exists"),
    # app/signins.py
    QT_TRANSLATE_NOOP("ServiceError", "wrong username or password"),
    QT_TRANSLATE_NOOP("ServiceError", "the limit must be between 1 and {maximum}"),
    QT_TRANSLATE_NOOP("ServiceError", "this account is disabled; ask the relay's operator"),
    QT_TRANSLATE_NOOP("ServiceError", "the status must be one of {statuses}"),
    # app/deletion_requests.py
    QT_TRANSLATE_NOOP("ServiceError", "a deletion request of {username} is already waiting"),
    QT_TRANSLATE_NOOP("ServiceError", "there is no deletion request with ID {request_id}"),
    QT_TRANSLATE_NOOP("ServiceError", "deletion request {request_id} was already {status}"),
    QT_TRANSLATE_NOOP("ServiceError", "deletion request {request_id} was already decided"),
    QT_TRANSLATE_NOOP("ServiceError", "a rejection needs a reason of 1-{maximum} characters"),
    # app/announcements.py
    QT_TRANSLATE_NOOP("ServiceError", "{field} must not contain NUL characters"),
    QT_TRANSLATE_NOOP("ServiceError", "{field} must be at most {maximum} characters"),
    QT_TRANSLATE_NOOP("ServiceError", "there is no announcement with ID {announcement_id}"),
    # app/redemption.py (issue 17: redemption codes)
    QT_TRANSLATE_NOOP("ServiceError", "Count must be between 1 and {maximum}"),
    QT_TRANSLATE_NOOP("ServiceError", "Amount must be at most {maximum}"),
    QT_TRANSLATE_NOOP("ServiceError", "{path} already exists; choose a new file"),
    QT_TRANSLATE_NOOP("ServiceError", "cannot write {path}: {reason}"),
    QT_TRANSLATE_NOOP("ServiceError", "Status must be one of {statuses}"),
    QT_TRANSLATE_NOOP("ServiceError", "there is no redemption code with ID {code_id}"),
    QT_TRANSLATE_NOOP("ServiceError", "redemption code {code_id} is already used"),
    QT_TRANSLATE_NOOP("ServiceError", "that code is not valid"),
    # app/payments/ and its settings (issue 17: online top-ups)
    QT_TRANSLATE_NOOP("ServiceError", "{field} must be an http:// or https:// address"),
    QT_TRANSLATE_NOOP("ServiceError", "{field} must be at most 64 characters without spaces"),
    QT_TRANSLATE_NOOP("ServiceError", "Gateway must be one of {gateways}"),
    QT_TRANSLATE_NOOP("ServiceError", "the {gateway} gateway is not set up: it needs its "
                                      "address, merchant id and key"),
    QT_TRANSLATE_NOOP("ServiceError", "The gateway key must be 1 to 256 characters without "
                                      "spaces"),
    QT_TRANSLATE_NOOP("ServiceError", "Amount must be a number such as 10 or 9.99"),
    QT_TRANSLATE_NOOP("ServiceError", "Amount must be between 0.01 and 100000 in whole cents"),
    QT_TRANSLATE_NOOP("ServiceError", "Payment type must be one of {types}"),
    QT_TRANSLATE_NOOP("ServiceError", "there is no top-up order {order_no!r}"),
    # app/mailqueue.py (issue 17: mail)
    QT_TRANSLATE_NOOP("ServiceError", "there is no email with id {id}"),
    QT_TRANSLATE_NOOP("ServiceError", "email {id} is {status}; only failed or waiting email can "
                                      "be retried"),
    # app/notify.py, app/password_reset.py (issue 17: notifications)
    QT_TRANSLATE_NOOP("ServiceError", "unknown notification {kind!r}"),
    QT_TRANSLATE_NOOP("ServiceError", "this unsubscribe link is not valid"),
    QT_TRANSLATE_NOOP("ServiceError", "This password-reset link is not valid any more; ask for a "
                                      "new one."),
)

# What {field} stands for: form labels, as the forms and Settings show them.
FIELDS = (
    QT_TRANSLATE_NOOP("ServiceError", "Admin IP allow-list"),
    QT_TRANSLATE_NOOP("ServiceError", "Amount"),
    QT_TRANSLATE_NOOP("ServiceError", "Backups kept"),
    QT_TRANSLATE_NOOP("ServiceError", "Body"),
    QT_TRANSLATE_NOOP("ServiceError", "Ban length"),
    QT_TRANSLATE_NOOP("ServiceError", "Cached input price"),
    QT_TRANSLATE_NOOP("ServiceError", "Change"),
    QT_TRANSLATE_NOOP("ServiceError", "Clients allowed to use the relay"),
    QT_TRANSLATE_NOOP("ServiceError", "Concurrent requests"),
    QT_TRANSLATE_NOOP("ServiceError", "Concurrent requests per key"),
    QT_TRANSLATE_NOOP("ServiceError", "Connections per client address"),
    QT_TRANSLATE_NOOP("ServiceError", "Counting period for failures"),
    QT_TRANSLATE_NOOP("ServiceError", "Currency"),
    QT_TRANSLATE_NOOP("ServiceError", "Days to keep login and security events"),
    QT_TRANSLATE_NOOP("ServiceError", "Days to keep payment records"),
    QT_TRANSLATE_NOOP("ServiceError", "Days to keep request logs"),
    QT_TRANSLATE_NOOP("ServiceError", "Default completion tokens"),
    QT_TRANSLATE_NOOP("ServiceError", "Failures before a ban"),
    QT_TRANSLATE_NOOP("ServiceError", "HTTPS"),
    QT_TRANSLATE_NOOP("ServiceError", "HTTPS certificate file"),
    QT_TRANSLATE_NOOP("ServiceError", "HTTPS private key file"),
    QT_TRANSLATE_NOOP("ServiceError", "Hours between backups"),
    QT_TRANSLATE_NOOP("ServiceError", "Idle connection timeout"),
    QT_TRANSLATE_NOOP("ServiceError", "Input price"),
    QT_TRANSLATE_NOOP("ServiceError", "Language"),
    QT_TRANSLATE_NOOP("ServiceError", "Largest request"),
    QT_TRANSLATE_NOOP("ServiceError", "Output price"),
    QT_TRANSLATE_NOOP("ServiceError", "Portal session lifetime"),
    QT_TRANSLATE_NOOP("ServiceError", "Portal sign-out after inactivity"),
    QT_TRANSLATE_NOOP("ServiceError", "Privacy policy major version"),
    QT_TRANSLATE_NOOP("ServiceError", "Privacy policy version"),
    QT_TRANSLATE_NOOP("ServiceError", "Provider silence timeout"),
    QT_TRANSLATE_NOOP("ServiceError", "Refund amount"),
    QT_TRANSLATE_NOOP("ServiceError", "Registration"),
    QT_TRANSLATE_NOOP("ServiceError", "Relay address"),
    QT_TRANSLATE_NOOP("ServiceError", "Relay port"),
    QT_TRANSLATE_NOOP("ServiceError", "Request body timeout"),
    QT_TRANSLATE_NOOP("ServiceError", "Request head timeout"),
    QT_TRANSLATE_NOOP("ServiceError", "Requests per minute"),
    QT_TRANSLATE_NOOP("ServiceError", "Requests per minute, per key"),
    QT_TRANSLATE_NOOP("ServiceError", "Reservation lease"),
    QT_TRANSLATE_NOOP("ServiceError", "Stream client timeout"),
    QT_TRANSLATE_NOOP("ServiceError", "Title"),
    QT_TRANSLATE_NOOP("ServiceError", "Tokens per minute"),
    QT_TRANSLATE_NOOP("ServiceError", "Tokens per minute, per key"),
    QT_TRANSLATE_NOOP("ServiceError", "Trusted reverse proxies"),
    # mail settings (issue 17)
    QT_TRANSLATE_NOOP("ServiceError", "SMTP server"),
    QT_TRANSLATE_NOOP("ServiceError", "SMTP port"),
    QT_TRANSLATE_NOOP("ServiceError", "SMTP security"),
    QT_TRANSLATE_NOOP("ServiceError", "SMTP user name"),
    QT_TRANSLATE_NOOP("ServiceError", "Sender address"),
    # payments settings (issue 17)
    QT_TRANSLATE_NOOP("ServiceError", "Epay gateway URL"),
    QT_TRANSLATE_NOOP("ServiceError", "Epay merchant id"),
    QT_TRANSLATE_NOOP("ServiceError", "HupiJiao gateway URL"),
    QT_TRANSLATE_NOOP("ServiceError", "HupiJiao appid"),
    QT_TRANSLATE_NOOP("ServiceError", "Public base URL"),
    QT_TRANSLATE_NOOP("ServiceError", "Top-up order expiry"),
    # notifications settings (issue 17)
    QT_TRANSLATE_NOOP("ServiceError", "Low-balance warning threshold"),
    QT_TRANSLATE_NOOP("ServiceError", "Operator's email"),
)
