#include "report/baseline.h"

#include <nlohmann/json.hpp>

namespace hardnut {

std::string format_baseline(const Exposures& exposures) {
  nlohmann::ordered_json units = nlohmann::ordered_json::object();
  for (const auto& [unit, exposure] : exposures) units[unit] = static_cast<double>(exposure) / 10.0;
  nlohmann::ordered_json doc = {
      {"format", "hardnut-baseline"}, {"format_version", 1}, {"units", units}};
  return doc.dump(2) + "\n";
}

bool parse_baseline(const std::string& text, Exposures& exposures, std::string& error) {
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    error = "not JSON (" + std::string(e.what()) + ")";
    return false;
  }
  if (!doc.is_object() || doc.value("format", "") != "hardnut-baseline" || !doc.contains("units") ||
      !doc["units"].is_object()) {
    error = "not a hardnut baseline (expected \"format\": \"hardnut-baseline\" and \"units\")";
    return false;
  }
  exposures.clear();
  for (auto& [unit, value] : doc["units"].items()) {
    if (!value.is_number() || value.get<double>() < 0 || value.get<double>() > 10) {
      error = "exposure of " + unit + " is not a number from 0 to 10";
      return false;
    }
    exposures[unit] = static_cast<uint64_t>(value.get<double>() * 10.0 + 0.5);
  }
  return true;
}

std::vector<Regression> compare_with_baseline(const Exposures& baseline, const Exposures& now,
                                              unsigned threshold) {
  std::vector<Regression> out;
  for (const auto& [unit, exposure] : now) {
    auto it = baseline.find(unit);
    if (it == baseline.end()) {
      if (exposure > threshold) out.push_back({unit, true, 0, exposure});
    } else if (exposure > it->second) {
      out.push_back({unit, false, it->second, exposure});
    }
  }
  return out;
}

}  // namespace hardnut
