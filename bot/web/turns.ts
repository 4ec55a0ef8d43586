import { type Activity, type CloudAdapter, ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import { type AuthenticateRequestResult, AuthenticationConstants, ClaimsIdentity } from 'botframework-connector';
import type { EdzBot } from '../bot';
import type { BotAuthSettings } from '../settings';
import { setCallerTrust } from '../trust';

/**
 * Runs the page's turns on the bot's own adapter and bot, as /api/messages does (middleware,
 * turn error handler, state), authenticated by the web token the route checked instead of a Bot
 * Framework token: the adapter's entry for transports that authenticate their callers themselves,
 * as its named-pipe transport does. With or without an app id, no Bot Framework token is needed.
 */
export class WebTurns {
  private readonly authenticated: AuthenticateRequestResult;

  constructor(
    private readonly adapter: CloudAdapter,
    private readonly bot: EdzBot,
    auth: BotAuthSettings,
  ) {
    const claimsIdentity = botIdentity(auth.MicrosoftAppId);
    this.authenticated = {
      claimsIdentity,
      audience: AuthenticationConstants.ToChannelFromBotOAuthScope,
      connectorFactory: new ConfigurationBotFrameworkAuthentication({ ...auth }).createConnectorFactory(claimsIdentity),
    };
  }

  /** Runs one turn whose deliveryMode is expectReplies; returns the bot's replies, the turn error handler's included. */
  async run(activity: Activity): Promise<Partial<Activity>[]> {
    let replies: Partial<Activity>[] = [];
    await this.adapter.processActivityDirect(this.authenticated, activity, async (context) => {
      // The buffer itself, not a copy: when the bot throws, the error handler's reply lands in it later.
      replies = context.bufferedReplyActivities;
      // The page's user id comes from the server-signed token: the sender is authenticated.
      setCallerTrust(context, { authenticated: true, loopback: false });
      await this.bot.run(context);
    });
    return replies;
  }
}

/** The identity /api/messages would have established: anonymous in local mode, else the bot's own app id, as for proactive turns. */
function botIdentity(appId: string | undefined): ClaimsIdentity {
  if (!appId) return new ClaimsIdentity([], AuthenticationConstants.AnonymousAuthType);
  return new ClaimsIdentity(
    [
      { type: AuthenticationConstants.AudienceClaim, value: appId },
      { type: AuthenticationConstants.AppIdClaim, value: appId },
    ],
    true,
  );
}
