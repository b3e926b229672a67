'use strict';
// Local Serverless plugin, listed before the Aliyun one: that plugin reads provider.credentials
// with readFileSync and crashes with a stack trace when the file is missing. This names the fix.
const { existsSync } = require('node:fs');
const { homedir } = require('node:os');

class CredentialsCheck {
  constructor(serverless) {
    const check = () => {
      const configured = serverless.service.provider.credentials ?? '';
      const file = configured.startsWith('~') ? homedir() + configured.slice(1) : configured;
      if (existsSync(file)) return;
      throw new serverless.classes.Error(
        `no Aliyun credentials file at '${configured}'. Set TXC_SLS_CREDENTIALS to an ini file with a [default] section holding ` +
          'aliyun_account_id (packaging only needs that one), aliyun_access_key_id and aliyun_access_key_secret. ' +
          '(`npm run deploy` needs none: it reads the config with `serverless print` and zips each function itself.)',
      );
    };
    this.hooks = { 'before:package:initialize': check, 'before:deploy:deploy': check };
  }
}

module.exports = CredentialsCheck;
