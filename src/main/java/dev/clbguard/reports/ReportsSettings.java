package dev.clbguard.reports;

import java.util.List;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "clbguard.reports")
public interface ReportsSettings {

    /** Which report API clbguard writes: wgpolicyk8s (default), openreports, or both, from the same results. */
    @WithDefault("wgpolicyk8s")
    Choice api();

    enum Choice {
        wgpolicyk8s(List.of(ReportApi.WGPOLICYK8S)),
        openreports(List.of(ReportApi.OPENREPORTS)),
        both(List.of(ReportApi.WGPOLICYK8S, ReportApi.OPENREPORTS));

        private final List<ReportApi> apis;

        Choice(List<ReportApi> apis) {
            this.apis = apis;
        }

        public List<ReportApi> apis() {
            return apis;
        }
    }
}
