using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orchestration.Activities.Storage;

namespace Orchestration.Adapters.Storage;

/// <summary>Composition of the local object store (the GCS one is registered by <c>AddGcsObjectStore</c>).</summary>
public static class StorageServiceCollectionExtensions
{
    /// <summary>Registers <see cref="LocalFolderObjectStore"/> as the <see cref="IObjectStore"/> (standalone host, local mode).</summary>
    /// <param name="services">The services.</param>
    /// <returns>The same services.</returns>
    public static IServiceCollection AddLocalFolderObjectStore(this IServiceCollection services)
    {
        services.AddOptions<LocalFolderObjectStoreOptions>()
            .BindConfiguration(LocalFolderObjectStoreOptions.Section)
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<LocalFolderObjectStoreOptions>, LocalFolderObjectStoreOptionsValidator>());
        services.TryAddSingleton<LocalFolderObjectStore>();
        services.TryAddSingleton<IObjectStore>(sp => sp.GetRequiredService<LocalFolderObjectStore>());
        return services;
    }
}
