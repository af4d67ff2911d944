#include "engine/actions/records.h"

#include "crm/association_types.h"

namespace flowd::engine::actions {

namespace json = boost::json;

Result<std::optional<std::shared_ptr<const crm::PropertySet>>> PropertiesOf(
    Ctx& ctx, const std::string& object_type_id) {
  FLOWD_ASSIGN_OR_RETURN(auto props, ctx.env.Properties(object_type_id));
  if (!props || props->by_name.empty()) {
    return ctx.Problem("object type " + object_type_id + " does not exist");
  }
  return std::optional<std::shared_ptr<const crm::PropertySet>>(std::move(props));
}

const store::PropertyRecord* WritableProperty(Ctx& ctx, const crm::PropertySet& props,
                                              const std::string& object_type_id,
                                              const std::string& name) {
  const store::PropertyRecord* p = props.Find(name);
  if (!p) {
    ctx.Problem("property " + name + " does not exist on object type " + object_type_id);
    return nullptr;
  }
  if (p->read_only_value || p->calculated) {
    ctx.Problem("property " + name + " of object type " + object_type_id + " is read-only");
    return nullptr;
  }
  return p;
}

std::optional<std::string> NormalizeValue(Ctx& ctx, const store::PropertyRecord& property,
                                          const std::string& value) {
  auto r = crm::NormalizePropertyValue(property, value);
  if (auto* err = std::get_if<ErrorDetail>(&r)) {
    return ctx.Problem("invalid value \"" + value + "\" for property " + property.name + " (" +
                       err->code + "): " + err->message);
  }
  return std::get<std::string>(std::move(r));
}

std::optional<std::vector<store::AssociationWrite>> EnrolledAssociations(
    Ctx& ctx, const std::string& new_type, const json::array* associations, bool explicit_only) {
  std::vector<store::AssociationWrite> out;
  auto write = [&](const crm::AssociationTypeInfo& t) {
    store::AssociationWrite w;
    w.from_type = new_type;
    w.to_type = ctx.object_type();
    w.to_id = ctx.object_id();
    w.types.push_back(t.Write());
    out.push_back(std::move(w));
  };
  if (!associations || associations->empty()) {
    if (explicit_only) return out;
    auto types = crm::HubSpotDefinedTypesBetween(new_type, ctx.object_type());
    if (!types.empty()) write(types.front());
    return out;
  }
  for (const auto& a : *associations) {
    const json::object* o = a.is_object() ? &a.get_object() : nullptr;
    const json::object* target = o ? ObjectField(*o, "target") : nullptr;
    const json::object* value = o ? ObjectField(*o, "value") : nullptr;
    if (!target || !value) return ctx.Problem("an association needs a target and a value");
    std::string kind = TextField(*value, "type").value_or("");
    if (kind != "ENROLLED_OBJECT") {
      return ctx.Problem("association value " + kind + " is not supported by flowd");
    }
    std::string category = TextField(*target, "associationCategory").value_or("HUBSPOT_DEFINED");
    auto type_id = IntField(*target, "associationTypeId");
    if (!type_id) return ctx.Problem("an association target needs an associationTypeId");
    if (category != crm::kHubSpotDefined) {
      return ctx.Problem("association category " + category +
                         " is not supported for new records (HUBSPOT_DEFINED only)");
    }
    const crm::AssociationTypeInfo* t = crm::FindHubSpotDefinedType(*type_id);
    if (!t || t->from_type != new_type || t->to_type != ctx.object_type()) {
      return ctx.Problem("association type " + std::to_string(*type_id) + " does not go from " +
                         new_type + " to " + ctx.object_type());
    }
    write(*t);
  }
  return out;
}

}  // namespace flowd::engine::actions
