#include "report/scan_output.h"

#include <map>
#include <vector>

#include "report/prometheus_output.h"
#include "report/sarif_output.h"
#include "report/scan_json.h"

namespace hardnut {

namespace {

// The directives that can decide a check, most direct first; the check's
// own directive (its URL anchor) when not listed.
const std::map<std::string, std::vector<std::string>, std::less<>> kDecidingDirectives = {
    {"UserOrDynamicUser", {"User", "DynamicUser"}},
    {"SupplementaryGroups", {"SupplementaryGroups", "User", "DynamicUser"}},
    {"RemoveIPC", {"RemoveIPC", "User", "DynamicUser"}},
    {"RootDirectoryOrRootImage", {"RootDirectory", "RootImage"}},
    {"PrivateTmp", {"PrivateTmp", "DynamicUser"}},
    {"ProtectSystem", {"ProtectSystem", "DynamicUser"}},
    {"ProtectHome", {"ProtectHome", "DynamicUser"}},
    {"NoNewPrivileges", {"NoNewPrivileges", "DynamicUser"}},
    {"RestrictSUIDSGID", {"RestrictSUIDSGID", "DynamicUser"}},
    {"DeviceAllow", {"DeviceAllow", "DevicePolicy", "PrivateDevices"}},
    {"IPAddressDeny",
     {"IPAddressDeny", "IPAddressAllow", "IPIngressFilterPath", "IPEgressFilterPath"}},
    {"CapabilityBoundingSet_CAP_MKNOD", {"CapabilityBoundingSet", "PrivateDevices"}},
    {"CapabilityBoundingSet_CAP_SYS_RAWIO", {"CapabilityBoundingSet", "PrivateDevices"}},
    {"CapabilityBoundingSet_CAP_SYS_MODULE", {"CapabilityBoundingSet", "ProtectKernelModules"}},
    {"CapabilityBoundingSet_CAP_SYSLOG", {"CapabilityBoundingSet", "ProtectKernelLogs"}},
    {"CapabilityBoundingSet_CAP_SYS_TIME", {"CapabilityBoundingSet", "ProtectClock"}},
    {"CapabilityBoundingSet_CAP_WAKE_ALARM", {"CapabilityBoundingSet", "ProtectClock"}},
};

DecidingLine split_origin(const std::string& directive, const std::string& where) {
  size_t colon = where.rfind(':');
  return {directive, where.substr(0, colon),
          static_cast<unsigned>(std::stoul(where.substr(colon + 1)))};
}

}  // namespace

DecidingLine deciding_line(const CheckResult& r, const ScanResult& result) {
  std::vector<std::string> keys;
  if (auto it = kDecidingDirectives.find(r.check->json_field); it != kDecidingDirectives.end())
    keys = it->second;
  else
    keys = {std::string(r.check->url_anchor)};
  for (const auto& key : keys)
    if (auto origin = result.origins.find(key); origin != result.origins.end())
      return split_origin(key, origin->second);
  return {};
}

std::unique_ptr<ScanSink> make_scan_sink(const std::string& format, std::ostream& out,
                                         const ScanSinkOptions& options) {
  if (format == "json") return std::make_unique<ScanJsonWriter>(out, options.threshold);
  if (format == "sarif") return std::make_unique<SarifWriter>(out, options);
  if (format == "prometheus") return std::make_unique<PrometheusWriter>(out, options);
  return nullptr;
}

}  // namespace hardnut
