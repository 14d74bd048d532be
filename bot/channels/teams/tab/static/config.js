// The tab's configuration page: the channel picks a stakeholder; Teams saves the tab's URL.
(function () {
  "use strict";

  const select = document.getElementById("stakeholder");
  const status = document.getElementById("status");

  function tabUrl(stakeholder, tenant) {
    const url = new URL("/tab", window.location.origin);
    url.searchParams.set("stakeholder", stakeholder);
    if (tenant) url.searchParams.set("tenant", tenant);
    return url.href;
  }

  async function tenantOf(teams) {
    try {
      const context = await teams.app.getContext();
      return (context && context.user && context.user.tenant && context.user.tenant.id) || "";
    } catch (error) {
      return "";
    }
  }

  async function start() {
    const teams = window.microsoftTeams;
    if (!teams) {
      status.textContent = "Open this page from Microsoft Teams to add the tab.";
      return;
    }
    await teams.app.initialize();
    const tenant = await tenantOf(teams);
    teams.pages.config.registerOnSaveHandler((saveEvent) => {
      const option = select.selectedOptions[0];
      const url = tabUrl(select.value, tenant);
      teams.pages.config
        .setConfig({
          entityId: "prep-talk-" + select.value,
          contentUrl: url,
          websiteUrl: url,
          suggestedDisplayName: "prep-talk · " + option.textContent.split(" — ")[0].trim(),
        })
        .then(
          () => saveEvent.notifySuccess(),
          (error) => saveEvent.notifyFailure(String(error)),
        );
    });
    select.addEventListener("change", () => {
      teams.pages.config.setValidityState(Boolean(select.value));
      status.textContent = select.value ? "Select Save to add the tab." : "";
    });
    teams.pages.config.setValidityState(false);
    document.body.dataset.ready = "true";
  }

  start().catch(() => {
    status.textContent = "Teams did not answer; close this dialog and try again.";
  });
})();
